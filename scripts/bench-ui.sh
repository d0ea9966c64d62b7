#!/bin/bash
# One command: scripts/bench-ui.sh
# UI figures of issue 18, printed quietly (Maven output goes to $BENCH_DIR/*.log):
#  1. the query server's cost for the first page of a 50,000-span trace (query TracePageCostTest: bytes allocated and
#     CPU time of reading and adjusting the trace, of choosing the page the old way and with TimelinePage, of the
#     whole answer), load-independent apart from the CPU times;
#  2. the same trace in headless Chromium (e2e-tests UiHugeTraceTest: first page fetched, first paint, whole trace,
#     slowest frame while scrolling) and the System Architecture layout of 10 services and 27 links (UiScriptsTest:
#     crossings, curves through nodes, overlapping labels). Needs /usr/bin/chromium and /usr/bin/chromedriver.
# Each figure line carries the load average at the time it was taken.
set -u
W=$(cd "$(dirname "$0")/.." && pwd)
B=${BENCH_DIR:-/tmp/jaegerj-ui-bench}; mkdir -p "$B"
cd "$W" || exit 1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -o -B -q -pl query -am verify -Dtest=TracePageCostTest -Dsurefire.failIfNoSpecifiedTests=false \
  > "$B/query.log" 2>&1 || { echo "query run failed, see $B/query.log"; exit 1; }
grep -h "Trace page cost" query/target/surefire-reports/io.jaegerj.query.TracePageCostTest-output.txt
./mvnw -o -B -q -pl e2e-tests -am verify -Dtest='UiHugeTraceTest,UiScriptsTest' \
  -Dsurefire.failIfNoSpecifiedTests=false > "$B/e2e.log" 2>&1 || { echo "e2e run failed, see $B/e2e.log"; exit 1; }
grep -h "UI e2e\|UI SA layout" e2e-tests/target/surefire-reports/io.jaegerj.e2e.ui.UiHugeTraceTest-output.txt \
  e2e-tests/target/surefire-reports/io.jaegerj.e2e.ui.UiScriptsTest-output.txt
