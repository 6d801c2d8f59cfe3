#!/usr/bin/env bash
# Every leg of the test suite, then one line that sums them: "N passed, M failed".
# Legs: ruff; pytest on SQLite + fakeredis; pytest on PostgreSQL + Redis when TEST_DATABASE_URL
# and TEST_REDIS_URL are set; jest for the mini-program. A leg that fails or runs no test fails.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
passed=0
failed=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

count() { # count <log> <word>: the number before "<word>" in pytest's closing line
  grep -E '^(=+ )?[0-9]+ (passed|failed|error|skipped)' "$1" | tail -1 \
    | grep -oE "[0-9]+ $2" | grep -oE '[0-9]+' || echo 0
}

leg_failed() { echo "!! $1"; failed=$((failed + 1)); }

echo "== lint (ruff)"
if $BIN/ruff check . && $BIN/ruff format --check . >/dev/null; then
  passed=$((passed + 1))
else
  $BIN/ruff format --check . || true
  leg_failed "lint failed"
fi

pytest_leg() { # pytest_leg <name> [env assignments...]
  local name=$1; shift
  local log="$logs/$name.log"
  echo "== pytest ($name)"
  env "$@" $BIN/pytest -q -p no:randomly 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local p f e
  p=$(count "$log" passed); f=$(count "$log" failed); e=$(count "$log" error)
  passed=$((passed + p)); failed=$((failed + f + e))
  if [ "$status" -ne 0 ] && [ $((f + e)) -eq 0 ]; then leg_failed "pytest ($name) exited $status"; fi
  if [ "$p" -eq 0 ]; then leg_failed "pytest ($name) ran no test"; fi
}

pytest_leg embedded TEST_DATABASE_URL= TEST_REDIS_URL=
if [ -n "${TEST_DATABASE_URL:-}" ] && [ -n "${TEST_REDIS_URL:-}" ]; then
  pytest_leg postgres "TEST_DATABASE_URL=$TEST_DATABASE_URL" "TEST_REDIS_URL=$TEST_REDIS_URL"
else
  echo "== pytest (postgres) skipped: TEST_DATABASE_URL and TEST_REDIS_URL are not set"
fi

echo "== jest (miniapp)"
(cd miniapp && npx jest --ci --json --outputFile="$logs/jest.json" >"$logs/jest.log" 2>&1)
jest_status=$?
tail -n 8 "$logs/jest.log"
if [ -f "$logs/jest.json" ]; then
  # A suite that fails to load counts no failed test, so count failed suites too.
  read -r jp jf js < <($BIN/python -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["numPassedTests"], d["numFailedTests"], d["numFailedTestSuites"] + d.get("numRuntimeErrorTestSuites", 0))' "$logs/jest.json")
  passed=$((passed + jp)); failed=$((failed + jf))
  [ "$jp" -eq 0 ] && leg_failed "jest ran no test"
  [ "$js" -gt 0 ] && [ "$jf" -eq 0 ] && leg_failed "jest: $js test suite(s) failed to run"
  [ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ] && [ "$js" -eq 0 ] && leg_failed "jest exited $jest_status"
else
  cat "$logs/jest.log"
  leg_failed "jest did not run"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
