using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PredictiveScoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AttributesJson",
                table: "Leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceOutcome",
                table: "Leads",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PredictionModels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    TrainedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TrainedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Target = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Auc = table.Column<double>(type: "double precision", nullable: false),
                    Brier = table.Column<double>(type: "double precision", nullable: false),
                    LogLoss = table.Column<double>(type: "double precision", nullable: false),
                    ClosedLeads = table.Column<int>(type: "integer", nullable: false),
                    Converted = table.Column<int>(type: "integer", nullable: false),
                    CalibrationJson = table.Column<string>(type: "text", nullable: false),
                    FactorsJson = table.Column<string>(type: "text", nullable: false),
                    ModelJson = table.Column<string>(type: "text", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    ActivatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionModels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PredictionModels_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PredictionSchedules",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TrainedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RefreshedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionSchedules", x => x.OrganisationId);
                    table.ForeignKey(
                        name: "FK_PredictionSchedules_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LeadLikelihoods",
                columns: table => new
                {
                    LeadId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ModelId = table.Column<Guid>(type: "uuid", nullable: false),
                    Probability = table.Column<double>(type: "double precision", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LeadLikelihoods", x => x.LeadId);
                    table.ForeignKey(
                        name: "FK_LeadLikelihoods_Leads_LeadId",
                        column: x => x.LeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_LeadLikelihoods_PredictionModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "PredictionModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LeadLikelihoods_ModelId",
                table: "LeadLikelihoods",
                column: "ModelId");

            migrationBuilder.CreateIndex(
                name: "IX_LeadLikelihoods_OrganisationId_Probability_LeadId",
                table: "LeadLikelihoods",
                columns: new[] { "OrganisationId", "Probability", "LeadId" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionModels_OrganisationId_Active",
                table: "PredictionModels",
                column: "OrganisationId",
                unique: true,
                filter: "\"Active\"");

            migrationBuilder.CreateIndex(
                name: "IX_PredictionModels_OrganisationId_Version",
                table: "PredictionModels",
                columns: new[] { "OrganisationId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LeadLikelihoods");

            migrationBuilder.DropTable(
                name: "PredictionSchedules");

            migrationBuilder.DropTable(
                name: "PredictionModels");

            migrationBuilder.DropColumn(
                name: "AttributesJson",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "SourceOutcome",
                table: "Leads");
        }
    }
}
