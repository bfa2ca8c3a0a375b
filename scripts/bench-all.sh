#!/usr/bin/env bash
# Runs every P1–P5 benchmark in a row from a Release build, one log per benchmark, and prints each one's JSON line.
# Usage: scripts/bench-all.sh [OUT]   (OUT: the folder for the logs; default artifacts/bench). Run it on an idle machine:
# the figures follow the machine's load (docs/performance.md). The 1,000,000-row runs take about five minutes together,
# the whole script about eight.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-artifacts/bench}
mkdir -p "$out"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
dotnet publish src/Leadgate -c Release -o "$build" --nologo -v q >"$out/publish.log" 2>&1 || { echo "publish failed: $out/publish.log" >&2; exit 1; }
# GNU time (Debian's "time" package), when installed, adds peak memory and bytes written to each log.
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v)
run() {
  local name=$1; shift
  echo "== $name: leadgate $* (load $(cut -d' ' -f1 /proc/loadavg)) $(date +%T)"
  "${timer[@]}" dotnet "$build/leadgate.dll" "$@" >"$out/$name.log" 2>&1
  grep '^{' "$out/$name.log" | tail -1
}
run ingest bench ingest
run ingest8 bench ingest --clients 8
run http bench http
# P2 again after a minute of load: each lead has a history by then, which a fresh database does not show.
run http-loaded bench http --warmup 60
run freshness bench freshness
run rescore bench rescore
run import1m bench import --rows 1000000
run rescore1m bench rescore --leads 1000000 --events 10000000
