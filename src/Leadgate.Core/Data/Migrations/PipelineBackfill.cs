namespace Leadgate.Data.Migrations;

/// <summary>
/// Issue 16's migration puts the deals opened before pipelines existed into the default pipeline: every organisation with
/// deals gets it (the same stages as <see cref="Pipeline.SalesPipeline.CreateDefault"/>), and each deal goes to the stage
/// its status and lead say (won, lost, a proposal recorded, else Qualified) with that stage's defaults. Organisations
/// without deals get the default pipeline when they first need one.
/// </summary>
internal static class PipelineBackfill
{
    private const string Stages = """
        ('Qualified', 0, 20, 'Pipeline', 14, 'Sql', ''),
        ('Discovery/demo', 1, 35, 'Pipeline', 14, 'Sql', ''),
        ('Proposal', 2, 50, 'BestCase', 10, 'Opportunity', 'amount'),
        ('Negotiation', 3, 70, 'BestCase', 10, 'Opportunity', ''),
        ('Contracting', 4, 90, 'Commit', 7, 'Opportunity', 'stakeholder.DecisionMaker'),
        ('Won', 5, 100, 'Closed', 0, 'Won', ''),
        ('Lost', 6, 0, 'Omitted', 0, 'Lost', '')
        """;

    private const string PlaceDeals = """
        UPDATE "Deals" SET
            "PipelineId" = (SELECT p."Id" FROM "Pipelines" p WHERE p."OrganisationId" = "Deals"."OrganisationId"),
            "StageId" = (SELECT s."Id" FROM "PipelineStages" s JOIN "Pipelines" p ON p."Id" = s."PipelineId"
                WHERE p."OrganisationId" = "Deals"."OrganisationId"
                AND s."Name" = CASE WHEN "Deals"."Status" = 'Won' THEN 'Won' WHEN "Deals"."Status" = 'Lost' THEN 'Lost'
                    WHEN "Deals"."ProposalAmount" IS NOT NULL THEN 'Proposal' ELSE 'Qualified' END)
        WHERE "StageId" IS NULL;
        UPDATE "Deals" SET
            "StageProbability" = (SELECT s."Probability" FROM "PipelineStages" s WHERE s."Id" = "Deals"."StageId"),
            "StageForecastCategory" = (SELECT s."ForecastCategory" FROM "PipelineStages" s WHERE s."Id" = "Deals"."StageId")
        WHERE "StageId" IS NOT NULL;
        """;

    public const string Sqlite = $"""
        INSERT INTO "Pipelines" ("Id", "OrganisationId", "Name", "Position", "IsActive")
        SELECT randomblob(16), o."Id", 'Sales', 0, 1 FROM "Organisations" o
        WHERE EXISTS (SELECT 1 FROM "Deals" d WHERE d."OrganisationId" = o."Id");
        INSERT INTO "PipelineStages" ("Id", "PipelineId", "Name", "Position", "Probability", "ForecastCategory", "StaleAfterDays", "Meaning", "Requires", "IsActive")
        SELECT randomblob(16), p."Id", s.column1, s.column2, s.column3, s.column4, s.column5, s.column6, s.column7, 1
        FROM "Pipelines" p CROSS JOIN (VALUES {Stages}) s;
        {PlaceDeals}
        """;

    public const string Postgres = $"""
        INSERT INTO "Pipelines" ("Id", "OrganisationId", "Name", "Position", "IsActive")
        SELECT gen_random_uuid(), o."Id", 'Sales', 0, TRUE FROM "Organisations" o
        WHERE EXISTS (SELECT 1 FROM "Deals" d WHERE d."OrganisationId" = o."Id");
        INSERT INTO "PipelineStages" ("Id", "PipelineId", "Name", "Position", "Probability", "ForecastCategory", "StaleAfterDays", "Meaning", "Requires", "IsActive")
        SELECT gen_random_uuid(), p."Id", s.name, s.position, s.probability, s.category, s.stale, s.meaning, s.requires, TRUE
        FROM "Pipelines" p CROSS JOIN (VALUES {Stages}) AS s(name, position, probability, category, stale, meaning, requires);
        {PlaceDeals}
        """;
}
