using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadWalkByCreation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_OrganisationId_Id",
                table: "Leads");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AfterCreatedAt",
                table: "RescoreJobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AfterCreatedAt",
                table: "DecaySweeps",
                type: "timestamp with time zone",
                nullable: true);

            // A walk under way kept its place by lead id alone: it starts again from the first lead, its progress from zero.
            migrationBuilder.Sql("""UPDATE "RescoreJobs" SET "AfterLeadId" = NULL, "Done" = 0 WHERE "AfterLeadId" IS NOT NULL""");
            migrationBuilder.Sql("""UPDATE "DecaySweeps" SET "AfterLeadId" = NULL, "Done" = 0 WHERE "AfterLeadId" IS NOT NULL""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AfterCreatedAt",
                table: "RescoreJobs");

            migrationBuilder.DropColumn(
                name: "AfterCreatedAt",
                table: "DecaySweeps");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_OrganisationId_Id",
                table: "Leads",
                columns: new[] { "OrganisationId", "Id" });
        }
    }
}
