using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DealProposalReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProposalReference",
                table: "Deals",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProposalReference",
                table: "Deals");
        }
    }
}
