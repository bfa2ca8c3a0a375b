#!/usr/bin/env bash
# P2 against an app that is already running: single-event POST /api/v1/events with wrk (Debian: apt-get install wrk).
#
#   scripts/bench-http.sh URL API_KEY [SECONDS] [CONNECTIONS] [PEOPLE]
#   scripts/bench-http.sh http://127.0.0.1:5000 lg_abc123_... 15 64 10000
#
# Every request carries a new external id (run, thread, counter), so each one stores an event; the first event of each
# of PEOPLE e-mail addresses creates an Iql lead in the key's organisation. Use a throwaway organisation: this writes.
# Prints wrk's own report, then one line of JSON with requests/s, p50/p99 in ms, errors and whether P2 is met
# (>= 5,000 req/s, p99 <= 25 ms, zero errors). `leadgate bench http` does the same on a temporary database of its own.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
url="${1%/}" key="$2" seconds="${3:-15}" connections="${4:-64}" people="${5:-10000}"
command -v wrk >/dev/null 2>&1 || { echo "bench-http.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

script="$(mktemp --suffix=.lua)"
trap 'rm -f "$script"' EXIT
# The same script as `leadgate bench http` (src/Leadgate/Cli/BenchHttp.cs, WrkScript).
cat >"$script" <<'LUA'
-- args: API key, run id, number of people
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  key, run, leads = args[1], args[2], tonumber(args[3] or "10000")
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
  occurred = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60)
end
function request()
  counter = counter + 1
  local person = (counter * 7919 + tid) % leads
  local body = string.format('{"events":[{"externalId":"%s-%d-%d","type":"PageVisit","email":"person%d@firm%d.example.com","occurredAt":"%s"}]}',
    run, tid, counter, person, math.floor(person / 4), occurred)
  return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('leadgate-bench {"requests":%d,"errors":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
LUA

threads="$(nproc)"
[ "$threads" -gt "$connections" ] && threads="$connections"
run="sh$(date +%s)"
output="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s --latency -s "$script" "$url/api/v1/events" -- "$key" "$run" "$people")"
echo "$output" | grep -v '^leadgate-bench ' >&2
echo "$output" | sed -n 's/^leadgate-bench //p' | python3 -c '
import json, sys
r = json.load(sys.stdin)
rps = r["requests"] / (r["durationUs"] / 1e6)
p99 = r["p99Us"] / 1000
print(json.dumps({"bench": "http", "generator": "wrk", "connections": int(sys.argv[1]), "requests": r["requests"],
  "requestsPerSecond": round(rps, 1), "latencyMs": {"p50": r["p50Us"] / 1000, "p90": r["p90Us"] / 1000, "p99": p99, "max": r["maxUs"] / 1000},
  "errors": r["errors"], "target": {"requestsPerSecond": 5000, "p99Ms": 25, "errors": 0},
  "met": rps >= 5000 and p99 <= 25 and r["errors"] == 0}))' "$connections"
