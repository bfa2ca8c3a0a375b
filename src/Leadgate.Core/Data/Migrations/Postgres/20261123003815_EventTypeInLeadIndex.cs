using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventTypeInLeadIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_BehaviourEvents_LeadId_OccurredAt",
                table: "BehaviourEvents");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourEvents_LeadId_OccurredAt_Type",
                table: "BehaviourEvents",
                columns: new[] { "LeadId", "OccurredAt", "Type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_BehaviourEvents_LeadId_OccurredAt_Type",
                table: "BehaviourEvents");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourEvents_LeadId_OccurredAt",
                table: "BehaviourEvents",
                columns: new[] { "LeadId", "OccurredAt" });
        }
    }
}
