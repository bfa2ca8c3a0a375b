using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialLeadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_OwnerId",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_OwnerId",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_OwnerId",
                table: "Leads",
                columns: new[] { "OrganisationId", "OwnerId" },
                filter: "\"OwnerId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads",
                columns: new[] { "OrganisationId", "SourceStage" },
                filter: "\"SourceStage\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OwnerId",
                table: "Leads",
                column: "OwnerId",
                filter: "\"OwnerId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_OwnerId",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_OwnerId",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_OwnerId",
                table: "Leads",
                columns: new[] { "OrganisationId", "OwnerId" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads",
                columns: new[] { "OrganisationId", "SourceStage" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OwnerId",
                table: "Leads",
                column: "OwnerId");
        }
    }
}
