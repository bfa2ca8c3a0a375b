#!/usr/bin/env bash
# The one test command: installs what the tests need (Chromium, PostgreSQL server binaries, the OpenAPI linters) when missing, builds the
# solution once in Release, runs every test project, and prints "N passed, N failed[, N skipped]" as its last line.
# Exits non-zero when a test failed, a test run broke, or no test ran at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export DEBIAN_FRONTEND=noninteractive

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    echo "test.sh: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
}

missing=()
if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium fonts-liberation)
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  as_root apt-get update -qq </dev/null
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

dotnet tool restore </dev/null >/dev/null

# The OpenAPI linters (Spectral, Redocly) from their lock file, installed again only when the lock changed.
lint=tools/api-lint
if [ ! -f "$lint/node_modules/.package-lock.json" ] || ! cmp -s "$lint/package-lock.json" "$lint/node_modules/.installed-lock.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: npm is needed to install the OpenAPI linters in $lint" >&2
    echo "0 passed, 0 failed"
    exit 1
  fi
  echo "test.sh: installing the OpenAPI linters ($lint)"
  (cd "$lint" && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)
  cp "$lint/package-lock.json" "$lint/node_modules/.installed-lock.json"
fi
built=0
dotnet build Leadgate.slnx -c Release -nologo -v:quiet -clp:NoSummary </dev/null || built=$?
if [ "$built" -ne 0 ]; then
  echo "test.sh: the build failed; no test ran" >&2
  echo "0 passed, 0 failed"
  exit 1
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

passed=0 failed=0 skipped=0 broken=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  status=0
  dotnet test "$project" --no-build -c Release --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results/$name" </dev/null || status=$?
  trx="$results/$name/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "test.sh: $name produced no test results (exit code $status)" >&2
    broken=$((broken + 1))
    continue
  fi
  # <Counters total=".." executed=".." passed=".." failed=".." error=".." timeout=".." aborted=".." notExecuted=".." ...>
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters" | head -n 1; }
  # VSTest counts a skipped test in total but not in executed (its notExecuted counter stays 0).
  total="$(count total)" executed="$(count executed)"
  p="$(count passed)" f="$(count failed)" e="$(count error)" t="$(count timeout)" a="$(count aborted)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
  # The slowest test classes of this project, by the sum of their tests' durations: where the run's time goes.
  echo "test.sh: $name, slowest test classes (seconds, tests):"
  grep -o '<UnitTestResult [^>]*>' "$trx" \
    | sed -n 's/.* testName="\([^"(]*\)[^"]*".* duration="\([0-9]*\):\([0-9]*\):\([0-9.]*\)".*/\1 \2 \3 \4/p' \
    | awk '{ n = split($1, part, "."); cls = part[1]; for (i = 2; i < n; i++) cls = cls "." part[i]; t[cls] += $2 * 3600 + $3 * 60 + $4; c[cls]++ }
           END { for (k in t) printf "%8.1f %5d  %s\n", t[k], c[k], k }' \
    | sort -rn | head -n 8 || true
  if [ "$status" -ne 0 ] && [ "${f:-0}${e:-0}${t:-0}${a:-0}" = "0000" ]; then
    echo "test.sh: dotnet test for $name exited with $status without a failed test" >&2
    broken=$((broken + 1))
  fi
done

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  broken=$((broken + 1))
fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary="$summary, $skipped skipped"
fi
echo "$summary"

if [ "$failed" -gt 0 ] || [ "$broken" -gt 0 ]; then
  exit 1
fi
