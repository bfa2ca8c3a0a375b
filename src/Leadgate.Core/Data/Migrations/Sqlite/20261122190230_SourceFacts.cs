using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SourceFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SourceCreatedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceStage",
                table: "Leads",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads",
                columns: new[] { "OrganisationId", "SourceStage" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_SourceStage",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "SourceCreatedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "SourceStage",
                table: "Leads");
        }
    }
}
