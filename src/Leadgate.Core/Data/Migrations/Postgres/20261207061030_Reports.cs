using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LeadFunnels",
                columns: table => new
                {
                    LeadId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    IqlEntered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MqlEntered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SqlEntered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpportunityEntered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CustomerEntered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IqlReached = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MqlReached = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SqlReached = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpportunityReached = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CustomerReached = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IqlEnteredUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MqlEnteredUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SqlEnteredUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpportunityEnteredUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CustomerEnteredUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IqlReachedUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MqlReachedUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SqlReachedUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpportunityReachedUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CustomerReachedUnimported = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LeadFunnels", x => new { x.OrganisationId, x.LeadId });
                });

            // IF NOT EXISTS: a database migrated by the first version of this migration (20261207040803/040834_Reports, the
            // index alone, on main for a few hours) has the index already, and gets the table and its triggers from this one.
            migrationBuilder.Sql(
                "CREATE INDEX IF NOT EXISTS \"IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason\" ON \"StageEvents\" (\"OrganisationId\", \"To\", \"At\", \"From\", \"ActorKind\", \"Reason\");");

            // Every lead's funnel from its stage events so far, and the triggers that count a lead again when its events are moved,
            // changed or deleted (LeadFunnelTriggers); new events are added by their writers (LeadFunnel.KeepAsync).
            migrationBuilder.Sql(LeadFunnelTriggers.Postgres);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LeadFunnelTriggers.PostgresDown);

            migrationBuilder.DropTable(
                name: "LeadFunnels");

            migrationBuilder.DropIndex(
                name: "IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason",
                table: "StageEvents");
        }
    }
}
