using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The table EF would make, but clustered on its key (LeadFunnelTriggers.SqliteTable): WITHOUT ROWID.
            migrationBuilder.Sql(LeadFunnelTriggers.SqliteTable);

            // IF NOT EXISTS: a database migrated by the first version of this migration (20261207040803/040834_Reports, the
            // index alone, on main for a few hours) has the index already, and gets the table and its triggers from this one.
            migrationBuilder.Sql(
                "CREATE INDEX IF NOT EXISTS \"IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason\" ON \"StageEvents\" (\"OrganisationId\", \"To\", \"At\", \"From\", \"ActorKind\", \"Reason\");");

            // Every lead's funnel from its stage events so far, and the triggers that count a lead again when its events are moved,
            // changed or deleted (LeadFunnelTriggers); new events are added by their writers (LeadFunnel.KeepAsync).
            migrationBuilder.Sql(LeadFunnelTriggers.Sqlite);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LeadFunnelTriggers.SqliteDown);

            migrationBuilder.DropTable(
                name: "LeadFunnels");

            migrationBuilder.DropIndex(
                name: "IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason",
                table: "StageEvents");
        }
    }
}
