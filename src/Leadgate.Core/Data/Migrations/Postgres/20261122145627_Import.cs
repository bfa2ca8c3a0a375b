using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Import : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ImportJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Format = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    MappingJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    AllOrNothing = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RowsRead = table.Column<long>(type: "bigint", nullable: false),
                    Imported = table.Column<long>(type: "bigint", nullable: false),
                    Updated = table.Column<long>(type: "bigint", nullable: false),
                    Unchanged = table.Column<long>(type: "bigint", nullable: false),
                    Bad = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportJobs_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ImportProblems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ImportJobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Line = table.Column<long>(type: "bigint", nullable: false),
                    Column = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportProblems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportProblems_ImportJobs_ImportJobId",
                        column: x => x.ImportJobId,
                        principalTable: "ImportJobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ImportJobs_OrganisationId_ContentHash",
                table: "ImportJobs",
                columns: new[] { "OrganisationId", "ContentHash" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportJobs_OrganisationId_StartedAt",
                table: "ImportJobs",
                columns: new[] { "OrganisationId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportProblems_ImportJobId_Line",
                table: "ImportProblems",
                columns: new[] { "ImportJobId", "Line" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportProblems");

            migrationBuilder.DropTable(
                name: "ImportJobs");
        }
    }
}
