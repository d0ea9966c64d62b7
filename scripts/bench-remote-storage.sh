#!/bin/bash
# One command: BUILD=1 JMH=1 REPEATS=3 DUR=20 scripts/bench-remote-storage.sh (BUILD=1 first runs
#   ./mvnw -o -B -q -pl all-in-one,collector,query,remote-storage,loadgen[,benchmarks] -am package -DskipTests;
#   JMH=1 then runs SpanWireBenchmark's remoteBatch* benchmarks with -prof gc after the load runs and prints
#   the wire cost per span of both sides of the hop, direct and through the generated classes: ns and B per span).
# The cost of the remote-storage hop: the same load generator settings against
#   A) all-in-one, SPAN_STORAGE_TYPE=memory (the store in process), and
#   B) collector + query with SPAN_STORAGE_TYPE=grpc -> remote-storage with SPAN_STORAGE_TYPE=memory,
# alternating A B A B ... (REPEATS rounds, DUR measured seconds of OTLP/HTTP ingest each, then trace-by-ID and search
# queries through the query's /api). Every server gets the same heap (HEAP). Prints one RESULT line per run, the
# medians per mode, and the CPU µs per span of each process over the measured window (from /proc, so independent of
# the machine's load to first order; WARM seconds of warm-up first, so that the JIT compilation of the first seconds,
# paid once per JVM and so three times in B, is not counted as the cost of the hop). Settings: REPEATS (3), WARM (30),
# DUR (20), INFLIGHT (16), HEAP (1g), QUERY_WARMUP (1000) and QUERY_WARMUP_SECONDS (30): unmeasured queries of each
# kind before the 500 by ID and 200 searches, at least that many and for at least that long (a long-running query
# server is warm; B has two JVMs on the read path, and on 2 cores their JIT was still compiling it after 5,000 by-ID
# queries, which tripled B's by-ID p50), BENCH_DIR, JAR_DIR, LOADGEN, BUILD, JMH, BENCH_JAR.
# Every listener (the legacy agent UDP/5778 ports included) is on a free loopback port.
set -u
W=$(cd "$(dirname "$0")/.." && pwd)
MODULES=all-in-one,collector,query,remote-storage,loadgen
[ "${JMH:-0}" = 1 ] && MODULES=$MODULES,benchmarks
if [ "${BUILD:-0}" = 1 ]; then
  (cd "$W" && ./mvnw -o -B -q -pl $MODULES -am package -DskipTests) || exit 1
fi
B=${BENCH_DIR:-/tmp/jaegerj-remote-storage-bench}; mkdir -p "$B"
V=0.1.0-SNAPSHOT
HEAP=${HEAP:-1g}
free() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
jar() { echo "${JAR_DIR:-$W/$1/target}/$1-$V-exec.jar"; }   # JAR_DIR: run copies while a build rewrites target/
PIDS=()
NAMES=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; PIDS=(); NAMES=(); }
trap cleanup EXIT
up() { for i in $(seq 1 480); do curl -sf "127.0.0.1:$1/" >/dev/null && return 0; sleep 0.25; done; echo "port $1 not up"; return 1; }

# the listeners of a binary with a collector and/or a query, all on free loopback ports
ports() {
  OH=$(free); OG=$(free); GR=$(free); TH=$(free); QH=$(free); QG=$(free)
  PORTARGS="--collector.otlp.http.host-port=127.0.0.1:$OH --collector.otlp.grpc.host-port=127.0.0.1:$OG \
 --collector.grpc-server.host-port=127.0.0.1:$GR --collector.http-server.host-port=127.0.0.1:$TH \
 --query.http-server.host-port=127.0.0.1:$QH --query.grpc-server.host-port=127.0.0.1:$QG $(agentports)"
}
# the legacy agent listeners (UDP 6831, 6832, 5775 and HTTP 5778 by default) on free ports too
agentports() {
  echo "--agent.http-server.host-port=127.0.0.1:$(free) --processor.jaeger-compact.server-host-port=127.0.0.1:$(free)" \
    "--processor.jaeger-binary.server-host-port=127.0.0.1:$(free) --processor.zipkin-compact.server-host-port=127.0.0.1:$(free)"
}
cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }

start_a() {
  ports; AD=$(free)
  SPAN_STORAGE_TYPE=memory java -Xms$HEAP -Xmx$HEAP -jar "$(jar all-in-one)" $PORTARGS --admin.http.host-port=127.0.0.1:$AD \
    --log-level=warn > "$B/all-in-one-$1.log" 2>&1 &
  PIDS+=($!); NAMES+=(all-in-one); up $AD
}

start_b() {
  local SG SA CA QA
  SG=$(free); SA=$(free); CA=$(free); QA=$(free); OH=$(free); OG=$(free); GR=$(free); TH=$(free); QH=$(free); QG=$(free)
  SPAN_STORAGE_TYPE=memory java -Xms$HEAP -Xmx$HEAP -jar "$(jar remote-storage)" --grpc.host-port=127.0.0.1:$SG \
    --admin.http.host-port=127.0.0.1:$SA --log-level=warn > "$B/remote-storage-$1.log" 2>&1 &
  PIDS+=($!); NAMES+=(remote-storage); up $SA
  SPAN_STORAGE_TYPE=grpc java -Xms$HEAP -Xmx$HEAP -jar "$(jar collector)" --grpc-storage.server=127.0.0.1:$SG \
    --collector.otlp.http.host-port=127.0.0.1:$OH --collector.otlp.grpc.host-port=127.0.0.1:$OG \
    --collector.grpc-server.host-port=127.0.0.1:$GR --collector.http-server.host-port=127.0.0.1:$TH $(agentports) \
    --admin.http.host-port=127.0.0.1:$CA --log-level=warn > "$B/collector-$1.log" 2>&1 &
  PIDS+=($!); NAMES+=(collector)
  SPAN_STORAGE_TYPE=grpc java -Xms$HEAP -Xmx$HEAP -jar "$(jar query)" --grpc-storage.server=127.0.0.1:$SG \
    --query.http-server.host-port=127.0.0.1:$QH --query.grpc-server.host-port=127.0.0.1:$QG \
    --admin.http.host-port=127.0.0.1:$QA --log-level=warn > "$B/query-$1.log" 2>&1 &
  PIDS+=($!); NAMES+=(query); up $CA && up $QA
}

run() { # mode round
  if [ "$1" = A ]; then start_a "$2"; else start_b "$2"; fi
  echo "== $1 round $2, $(uptime)"
  local warm=${WARM:-30} dur=${DUR:-20} i
  java -jar "${LOADGEN:-$W/loadgen/target/loadgen.jar}" --protocol otlp-http --endpoint "http://127.0.0.1:$OH/v1/traces" \
    --query-endpoint "http://127.0.0.1:$QH" --duration "$dur" --warmup "$warm" --inflight "${INFLIGHT:-16}" \
    --check-traces 200 --trace-queries 500 --search-queries 200 --query-warmup "${QUERY_WARMUP:-1000}" \
    --query-warmup-seconds "${QUERY_WARMUP_SECONDS:-30}" \
    > "$B/loadgen-$1-$2.txt" 2>&1 &
  local lg=$!
  # CPU of every process over the measured window only (from 1 s after the warm-up to 1 s before the end): the
  # steady state, without the JIT compilation of the first seconds, which three JVMs pay three times
  sleep $((warm + 1)); for i in "${!PIDS[@]}"; do cpu "${PIDS[$i]}"; echo; done > "$B/cpu-from"
  sleep $((dur - 2)); for i in "${!PIDS[@]}"; do cpu "${PIDS[$i]}"; echo; done > "$B/cpu-to"
  wait $lg
  echo "$1 $(grep '^RESULT' "$B/loadgen-$1-$2.txt")" | tee -a "$B/results.txt"
  local rate; rate=$(grep -o 'spans_per_sec=[0-9.]*' "$B/loadgen-$1-$2.txt" | head -1 | cut -d= -f2)
  i=0
  paste "$B/cpu-from" "$B/cpu-to" | while read -r a b; do
    awk -v m="$1" -v p="${NAMES[$i]}" -v a="$a" -v b="$b" -v r="${rate:-0}" -v w=$((dur - 2)) \
      'BEGIN { if (r > 0) printf "%s cpu_us_per_span %s=%.1f\n", m, p, (b - a) * 1e6 / (r * w) }'
    i=$((i + 1))
  done | tee -a "$B/cpu.txt"
  cleanup
}

# the medians over the repeats of each mode: the "== medians" lines (name A x B y B/A r), the CPU lines, and a
# markdown table (scripts/bench.py's remote point reads it; columns may only be added at the end)
summary() {
  echo "== medians over $REPEATS repeat(s) (A = all-in-one with memory in process, B = collector/query -> remote-storage -> memory); $(uptime)"
  python3 - "$B/results.txt" "$B/cpu.txt" <<'PY'
import statistics, sys
runs = {"A": [], "B": []}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) > 1 and f[0] in runs:
        runs[f[0]].append(dict(kv.split("=", 1) for kv in f[1:] if "=" in kv))
def med(mode, key):
    vals = [float(r[key]) for r in runs[mode] if key in r]
    return statistics.median(vals) if vals else float("nan")
def ratio(key):
    a, b = med("A", key), med("B", key)
    return "%.2f" % (b / a) if a > 0 else "-"
for k in ["spans_per_sec", "req_p50_ms", "req_p99_ms", "missing_spans", "trace_p50_ms", "trace_p99_ms",
          "search_p50_ms", "search_p99_ms"]:
    print("%-14s A %10.1f  B %10.1f  B/A %s" % (k, med("A", k), med("B", k), ratio(k)))
cpu = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 3 and "=" in f[2]:
        name, v = f[2].split("=", 1)
        cpu.setdefault((f[0], name), []).append(float(v))
print("== CPU µs per accepted span (median over repeats; measured window only, after the warm-up)")
for (mode, name), vals in sorted(cpu.items()):
    print("%-22s %8.1f" % (mode + " " + name, statistics.median(vals)))
def c(mode, name):
    return "%.1f" % statistics.median(cpu[(mode, name)]) if (mode, name) in cpu else "?"
print()
print("| in process spans/s | through the hop spans/s | B/A spans/s | trace by ID p99 ms A / B | trace by ID p99 ratio "
      "| search p99 ms A / B | search p99 ratio | CPU µs/span in process | CPU µs/span collector + remote-storage "
      "| repeats |")
print("|---|---|---|---|---|---|---|---|---|---|")
print("| {:,.0f} | {:,.0f} | {} | {:.2f} / {:.2f} | {} | {:.2f} / {:.2f} | {} | {} | {} + {} | {} |".format(
    med("A", "spans_per_sec"), med("B", "spans_per_sec"), ratio("spans_per_sec"),
    med("A", "trace_p99_ms"), med("B", "trace_p99_ms"), ratio("trace_p99_ms"),
    med("A", "search_p99_ms"), med("B", "search_p99_ms"), ratio("search_p99_ms"),
    c("A", "all-in-one"), c("B", "collector"), c("B", "remote-storage"), min(len(runs["A"]), len(runs["B"]))))
PY
}

# REPEATS (default 3; ROUNDS is its older name) rounds of A then B; SUMMARY_ONLY=1 reprints the summary of BENCH_DIR
REPEATS=${REPEATS:-${ROUNDS:-3}}
if [ "${SUMMARY_ONLY:-0}" = 1 ]; then summary; exit 0; fi
: > "$B/results.txt"; : > "$B/cpu.txt"
for r in $(seq 1 "$REPEATS"); do run A "$r"; run B "$r"; done
summary

if [ "${JMH:-0}" = 1 ]; then
  echo "== SpanWireBenchmark: wire cost per span of the hop (2 forks x 5 x 2 s; $(uptime))"
  java -jar "${BENCH_JAR:-$W/benchmarks/target/benchmarks.jar}" 'SpanWireBenchmark.remoteBatch' -f 2 -wi 3 -i 5 -prof gc \
    -rf json -rff "$B/jmh-span-wire.json" > "$B/jmh-span-wire.txt" 2>&1
  python3 - "$B/jmh-span-wire.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[1]
    ops = r["primaryMetric"]["score"]
    alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    print(f"{name:28s} {1e9 / ops:8.0f} ns/span (one thread, load-dependent)  {alloc:8.0f} B/span")
PY
fi
