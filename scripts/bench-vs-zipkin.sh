#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A/B benchmark on one machine: jaegerj all-in-one (memory storage) against the Zipkin server (in-memory), driven by
# the same load generator with the identical Zipkin JSON v2 workload and the same query load. Runs alternate
# A B A B ... and every server gets the same heap. Prints one line per run and the ratios ours / Zipkin.
#
# Usage: scripts/bench-vs-zipkin.sh            (from the repository root; builds the jars if they are missing)
# Tunables (environment): ROUNDS=2 DURATION=60 WARMUP=10 HEAP=2g MAX_SPANS=1000000 INFLIGHT=16
#   TRACE_QUERIES=1000 SEARCH_QUERIES=200 CHECK_TRACES=500 ZIPKIN_VERSION=3.5.1 OUT=target/bench
#   JFR=1 records a JFR profile of every server run into $OUT (summarise with scripts/jfr-top.sh FILE).
set -euo pipefail

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-10}
HEAP=${HEAP:-2g}
MAX_SPANS=${MAX_SPANS:-1000000}
INFLIGHT=${INFLIGHT:-16}
TRACE_QUERIES=${TRACE_QUERIES:-1000}
SEARCH_QUERIES=${SEARCH_QUERIES:-200}
CHECK_TRACES=${CHECK_TRACES:-500}
SPANS_PER_TRACE=${SPANS_PER_TRACE:-10}
ZIPKIN_VERSION=${ZIPKIN_VERSION:-3.5.1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
jfr_opts() { # name round
  if [[ "${JFR:-0}" == 1 ]]; then echo "-XX:StartFlightRecording=filename=$OUT/$1-$2.jfr,settings=profile,dumponexit=true"; fi
}

ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar 2>/dev/null | head -1 || true)
loadgen_jar=$ROOT/loadgen/target/loadgen.jar
if [[ -z "$ours_jar" || ! -f "$loadgen_jar" ]]; then
  echo "building all-in-one and loadgen jars..."
  (cd "$ROOT" && mvn -B -q -o -pl all-in-one,loadgen -am package -DskipTests)
  ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar | head -1)
fi
zipkin_jar=$OUT/zipkin-server-$ZIPKIN_VERSION-exec.jar
if [[ ! -f "$zipkin_jar" ]]; then
  echo "fetching io.zipkin:zipkin-server:$ZIPKIN_VERSION:exec from Maven Central..."
  mvn -B -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$OUT"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

cpu_seconds() { # utime + stime of a process, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

heap_used_kb() { # used heap after a full collection
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?/, "", $(i+1)); print $(i+1); exit } }'
}

wait_healthy() { # url pid -> milliseconds from $2's start until the URL answers 200
  local url=$1 pid=$2 t0=$3
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited" >&2; return 1; fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == "200" ]]; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    sleep 0.05
  done
  echo "not healthy in 30 s" >&2
  return 1
}

run_one() { # name round
  local name=$1 round=$2 log=$OUT/$1-$2
  local p_zipkin p_query p_admin health_url query_url query_api t0
  p_zipkin=$(free_port)
  t0=$(date +%s%N)
  if [[ $name == ours ]]; then
    p_query=$(free_port); p_admin=$(free_port)
    env SPAN_STORAGE_TYPE=memory MEMORY_MAX_TRACES=$((MAX_SPANS / SPANS_PER_TRACE)) \
      COLLECTOR_ZIPKIN_HOST_PORT=127.0.0.1:$p_zipkin QUERY_HTTP_SERVER_HOST_PORT=127.0.0.1:$p_query \
      ADMIN_HTTP_HOST_PORT=127.0.0.1:$p_admin COLLECTOR_GRPC_SERVER_HOST_PORT=127.0.0.1:$(free_port) \
      COLLECTOR_HTTP_SERVER_HOST_PORT=127.0.0.1:$(free_port) COLLECTOR_OTLP_GRPC_HOST_PORT=127.0.0.1:$(free_port) \
      COLLECTOR_OTLP_HTTP_HOST_PORT=127.0.0.1:$(free_port) QUERY_GRPC_SERVER_HOST_PORT=127.0.0.1:$(free_port) \
      AGENT_HTTP_SERVER_HOST_PORT=127.0.0.1:$(free_port) \
      "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC $(jfr_opts "$name" "$round") -jar "$ours_jar" >"$log.server.log" 2>&1 &
    SERVER_PID=$!
    health_url=http://127.0.0.1:$p_admin/
    query_url=http://127.0.0.1:$p_query
    query_api=jaeger
  else
    "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC $(jfr_opts "$name" "$round") -jar "$zipkin_jar" --armeria.ports[0].port="$p_zipkin" \
      --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].protocols[0]=http \
      --zipkin.storage.mem.max-spans="$MAX_SPANS" >"$log.server.log" 2>&1 &
    SERVER_PID=$!
    health_url=http://127.0.0.1:$p_zipkin/health
    query_url=http://127.0.0.1:$p_zipkin
    query_api=zipkin
  fi
  local healthy_ms
  healthy_ms=$(wait_healthy "$health_url" "$SERVER_PID" "$t0")
  sleep 1
  local heap0 cpu0 cpu1 rss_peak=0
  heap0=$(heap_used_kb "$SERVER_PID")
  cpu0=$(cpu_seconds "$SERVER_PID")

  # Peak RSS, sampled every second while the load generator runs.
  (peak=0; while kill -0 "$SERVER_PID" 2>/dev/null; do
     r=$(rss_kb "$SERVER_PID" || echo 0); (( r > peak )) && peak=$r; echo "$peak" >"$log.rss"; sleep 1; done) &
  SAMPLER_PID=$!

  "$JAVA" -Xmx1g -jar "$loadgen_jar" --protocol zipkin-json --endpoint "http://127.0.0.1:$p_zipkin/api/v2/spans" \
    --query-endpoint "$query_url" --query-api "$query_api" --duration "$DURATION" --warmup "$WARMUP" \
    --inflight "$INFLIGHT" --spans-per-trace "$SPANS_PER_TRACE" --trace-queries "$TRACE_QUERIES" \
    --search-queries "$SEARCH_QUERIES" --check-traces "$CHECK_TRACES" >"$log.loadgen.log" 2>&1 &
  local lg=$!
  # CPU time of the server during ingest only: read it when the generator prints its ingest summary.
  cpu1=""
  while kill -0 "$lg" 2>/dev/null; do
    if [[ -z "$cpu1" ]] && grep -q '^ingest: [0-9]' "$log.loadgen.log"; then cpu1=$(cpu_seconds "$SERVER_PID"); fi
    sleep 0.2
  done
  wait "$lg" || true
  [[ -z "$cpu1" ]] && cpu1=$(cpu_seconds "$SERVER_PID")
  local heap1
  heap1=$(heap_used_kb "$SERVER_PID")
  kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  rss_peak=$(cat "$log.rss" 2>/dev/null || echo 0)
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

  local result
  result=$(grep '^RESULT' "$log.loadgen.log" || true)
  if [[ -z "$result" ]]; then
    echo "$name round $round: load generator failed, see $log.loadgen.log" >&2
    tail -5 "$log.loadgen.log" >&2
    return 1
  fi
  echo "RUN server=$name round=$round healthy_ms=$healthy_ms heap0_kb=$heap0 heap1_kb=$heap1 cpu_ingest_s=$(
    awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.2f", b - a}') rss_peak_kb=$rss_peak max_spans=$MAX_SPANS ${result#RESULT }" \
    | tee -a "$OUT/runs.txt"
}

: >"$OUT/runs.txt"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: rounds=$ROUNDS duration=${DURATION}s warmup=${WARMUP}s heap=$HEAP max_spans=$MAX_SPANS inflight=$INFLIGHT"
for r in $(seq 1 "$ROUNDS"); do
  run_one ours "$r"
  run_one zipkin "$r"
done

python3 - "$OUT/runs.txt" <<'EOF'
import sys
runs = []
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split()[1:])
    runs.append(kv)

def mean(server, key, f=float):
    v = [f(r[key]) for r in runs if r["server"] == server and r.get(key) not in (None, "NaN")]
    return sum(v) / len(v) if v else float("nan")

def per_span_bytes(server):
    v = []
    for r in runs:
        if r["server"] != server:
            continue
        stored = min(int(r["accepted_spans_total"]), int(r["max_spans"]))
        v.append((int(r["heap1_kb"]) - int(r["heap0_kb"])) * 1024 / max(1, stored))
    return sum(v) / len(v)

def cpu_per_million(server):
    v = [float(r["cpu_ingest_s"]) / max(1, int(r["accepted_spans_total"])) * 1e6 for r in runs if r["server"] == server]
    return sum(v) / len(v)

rows = [
    ("ingest spans/s (higher is better)", mean("ours", "spans_per_sec"), mean("zipkin", "spans_per_sec")),
    ("lowest 1 s rate, spans", mean("ours", "min_1s_spans"), mean("zipkin", "min_1s_spans")),
    ("rejected requests (429/503)", mean("ours", "rejected_requests"), mean("zipkin", "rejected_requests")),
    ("error requests", mean("ours", "error_requests"), mean("zipkin", "error_requests")),
    ("spans missing in sampled traces", mean("ours", "missing_spans"), mean("zipkin", "missing_spans")),
    ("ingest request p99 ms", mean("ours", "req_p99_ms"), mean("zipkin", "req_p99_ms")),
    ("trace by ID p50 ms", mean("ours", "trace_p50_ms"), mean("zipkin", "trace_p50_ms")),
    ("trace by ID p99 ms", mean("ours", "trace_p99_ms"), mean("zipkin", "trace_p99_ms")),
    ("search p50 ms", mean("ours", "search_p50_ms"), mean("zipkin", "search_p50_ms")),
    ("search p99 ms", mean("ours", "search_p99_ms"), mean("zipkin", "search_p99_ms")),
    ("search results per query", mean("ours", "search_avg_results"), mean("zipkin", "search_avg_results")),
    ("heap bytes per stored span", per_span_bytes("ours"), per_span_bytes("zipkin")),
    ("server CPU s per million spans", cpu_per_million("ours"), cpu_per_million("zipkin")),
    ("peak RSS MiB", mean("ours", "rss_peak_kb") / 1024, mean("zipkin", "rss_peak_kb") / 1024),
    ("healthy after start, ms", mean("ours", "healthy_ms"), mean("zipkin", "healthy_ms")),
]
print()
print(f"| {'measure':40} | {'jaegerj':>12} | {'zipkin':>12} | {'ours/zipkin':>11} |")
print(f"|{'-'*42}|{'-'*14}|{'-'*14}|{'-'*13}|")
for name, a, b in rows:
    ratio = a / b if b not in (0, 0.0) and b == b else float("nan")
    print(f"| {name:40} | {a:12.2f} | {b:12.2f} | {ratio:11.2f} |")
EOF
