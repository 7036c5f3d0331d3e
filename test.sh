#!/usr/bin/env bash
# Runs every test of the suite: installs what is missing (like run.sh), builds in Release with warnings as errors,
# runs all test projects, and ends with one line: "N passed, N failed, N skipped" summed over every project.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
ensure_prerequisites
ensure_test_prerequisites

echo "certctl: building (Release, warnings are errors)…"
if ! dotnet build Certctl.sln -c Release -nologo -v quiet -clp:"ErrorsOnly;Summary"; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results="TestResults/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
dotnet test Certctl.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

# Sum the counters of every TRX file (one per test project).
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed)
  e=$(value error); t=$(value timeout); a=$(value aborted)
  passed=$((passed + p))
  failed=$((failed + f + e + t + a))
  skipped=$((skipped + total - executed))
done
# Name every failed test with the first line of its message, so the end of the output says what to look at.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  command -v python3 >/dev/null && python3 - "$trx" <<'PY'
import re, sys, html
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="(?:Failed|Error|Timeout|Aborted)"(.*?)</UnitTestResult>', text, re.S):
    message = re.search(r'<Message>(.*?)</Message>', m.group(2), re.S)
    first = html.unescape(message.group(1)).strip().splitlines()[0][:300] if message else ""
    print(f"FAILED {html.unescape(m.group(1))}: {first}")
PY
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner failed without a counted test failure (a crash, a build error): never report green
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
