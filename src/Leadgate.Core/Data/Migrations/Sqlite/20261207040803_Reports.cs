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

            migrationBuilder.CreateIndex(
                name: "IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason",
                table: "StageEvents",
                columns: new[] { "OrganisationId", "To", "At", "From", "ActorKind", "Reason" });

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
