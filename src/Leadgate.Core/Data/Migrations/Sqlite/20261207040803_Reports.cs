using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Leadgate.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason",
                table: "StageEvents",
                columns: new[] { "OrganisationId", "To", "At", "From", "ActorKind", "Reason" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StageEvents_OrganisationId_To_At_From_ActorKind_Reason",
                table: "StageEvents");
        }
    }
}
