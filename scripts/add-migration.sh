#!/usr/bin/env bash
# Adds a migration NAME for both providers (SQLite and PostgreSQL), each into its own folder.
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" \
    --project src/Leadgate.Core --startup-project src/Leadgate.Core \
    --context "${provider}LeadgateDbContext" \
    --output-dir "Data/Migrations/$provider" --namespace "Leadgate.Data.Migrations.$provider"
done
# dotnet-ef places a new model snapshot by namespace (under src/Leadgate.Core/Leadgate/…); keep it beside its migrations.
if [ -d src/Leadgate.Core/Leadgate ]; then
  for provider in Sqlite Postgres; do
    snapshot="src/Leadgate.Core/Leadgate/Data/Migrations/$provider/${provider}LeadgateDbContextModelSnapshot.cs"
    [ -f "$snapshot" ] && mv "$snapshot" "src/Leadgate.Core/Data/Migrations/$provider/"
  done
  rm -rf src/Leadgate.Core/Leadgate
fi
