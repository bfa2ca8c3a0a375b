using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImportProblemCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long[]>(
                name: "Arguments",
                table: "ImportProblems",
                type: "bigint[]",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Code",
                table: "ImportProblems",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Arguments",
                table: "ImportProblems");

            migrationBuilder.DropColumn(
                name: "Code",
                table: "ImportProblems");
        }
    }
}
