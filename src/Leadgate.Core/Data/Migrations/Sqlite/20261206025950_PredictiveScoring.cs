using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceOutcome",
                table: "Leads",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PredictionModels",
                columns: table => new
                {
                    Id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OrganisationId = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TrainedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Auc = table.Column<double>(type: "REAL", nullable: false),
                    Brier = table.Column<double>(type: "REAL", nullable: false),
                    LogLoss = table.Column<double>(type: "REAL", nullable: false),
                    ClosedLeads = table.Column<int>(type: "INTEGER", nullable: false),
                    Converted = table.Column<int>(type: "INTEGER", nullable: false),
                    CalibrationJson = table.Column<string>(type: "TEXT", nullable: false),
                    FactorsJson = table.Column<string>(type: "TEXT", nullable: false),
                    ModelJson = table.Column<string>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    ActivatedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                    OrganisationId = table.Column<byte[]>(type: "BLOB", nullable: false),
                    TrainedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RefreshedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true)
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
                    LeadId = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OrganisationId = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ModelId = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Probability = table.Column<double>(type: "REAL", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
