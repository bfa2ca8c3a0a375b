using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Agency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Tool",
                table: "WebhookSources",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Generic");

            migrationBuilder.AddColumn<bool>(
                name: "FromAgency",
                table: "Activities",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "AgencyLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Shares = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Routing = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RoutingTeam = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ResponseHours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: true),
                    InvitedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    InvitedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgencyLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgencyLinks_Organisations_AgencyOrganisationId",
                        column: x => x.AgencyOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgencyLinks_Organisations_ClientOrganisationId",
                        column: x => x.ClientOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OutreachSignals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    LeadId = table.Column<Guid>(type: "uuid", nullable: false),
                    SourceId = table.Column<Guid>(type: "uuid", nullable: false),
                    DeliveryId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Event = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutreachSignals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutreachSignals_Leads_LeadId",
                        column: x => x.LeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OutreachSignals_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AgencyHandovers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LinkId = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyLeadId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientLeadId = table.Column<Guid>(type: "uuid", nullable: true),
                    ClientHandoverId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AgencyName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Campaign = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DataOrigin = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    HandedOverAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HandedOverBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    HandedOverByUserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgencyHandovers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgencyHandovers_AgencyLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "AgencyLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgencyHandovers_Leads_AgencyLeadId",
                        column: x => x.AgencyLeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgencyHandovers_Leads_ClientLeadId",
                        column: x => x.ClientLeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgencyHandovers_AgencyLeadId",
                table: "AgencyHandovers",
                column: "AgencyLeadId");

            migrationBuilder.CreateIndex(
                name: "IX_AgencyHandovers_AgencyOrganisationId_HandedOverAt",
                table: "AgencyHandovers",
                columns: new[] { "AgencyOrganisationId", "HandedOverAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AgencyHandovers_ClientLeadId",
                table: "AgencyHandovers",
                column: "ClientLeadId");

            migrationBuilder.CreateIndex(
                name: "IX_AgencyHandovers_LinkId_AgencyLeadId",
                table: "AgencyHandovers",
                columns: new[] { "LinkId", "AgencyLeadId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AgencyLinks_AgencyOrganisationId_ClientOrganisationId",
                table: "AgencyLinks",
                columns: new[] { "AgencyOrganisationId", "ClientOrganisationId" });

            migrationBuilder.CreateIndex(
                name: "IX_AgencyLinks_ClientOrganisationId",
                table: "AgencyLinks",
                column: "ClientOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_OutreachSignals_LeadId",
                table: "OutreachSignals",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_OutreachSignals_OrganisationId_DeliveryId",
                table: "OutreachSignals",
                columns: new[] { "OrganisationId", "DeliveryId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgencyHandovers");

            migrationBuilder.DropTable(
                name: "OutreachSignals");

            migrationBuilder.DropTable(
                name: "AgencyLinks");

            migrationBuilder.DropColumn(
                name: "Tool",
                table: "WebhookSources");

            migrationBuilder.DropColumn(
                name: "FromAgency",
                table: "Activities");
        }
    }
}
