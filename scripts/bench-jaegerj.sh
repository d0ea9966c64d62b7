#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# jaegerj all-in-one (memory storage) alone, against the issue-7 targets:
#   1. ingest per protocol (otlp-http, otlp-grpc, jaeger-thrift, zipkin-json) at full speed for DURATION seconds,
#      a fresh server each, memory bounded to MAX_SPANS spans;
#   2. a fresh server loaded with STORED_SPANS spans (OTLP HTTP), then trace-by-ID and search latencies, heap per
#      stored span and time to healthy.
# Usage: scripts/bench-jaegerj.sh   Tunables: DURATION=30 WARMUP=5 HEAP=4g MAX_SPANS=1000000 STORED_SPANS=1000000
#   INFLIGHT=16 PROTOCOLS="otlp-http otlp-grpc jaeger-thrift zipkin-json" JFR=1 OUT=target/bench
set -euo pipefail
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
HEAP=${HEAP:-4g}
MAX_SPANS=${MAX_SPANS:-1000000}
STORED_SPANS=${STORED_SPANS:-1000000}
INFLIGHT=${INFLIGHT:-16}
PROTOCOLS=${PROTOCOLS:-otlp-http otlp-grpc jaeger-thrift zipkin-json}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar 2>/dev/null | head -1 || true)
loadgen_jar=$ROOT/loadgen/target/loadgen.jar
if [[ -z "$ours_jar" || ! -f "$loadgen_jar" ]]; then
  (cd "$ROOT" && mvn -B -q -o -pl all-in-one,loadgen -am package -DskipTests)
  ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar | head -1)
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
SERVER_PID=""
trap '[[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true' EXIT

heap_used_kb() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?/, "", $(i+1)); print $(i+1); exit } }'
}

declare -A P
start_server() { # tag
  for k in zipkin otlp_grpc otlp_http jaeger_http jaeger_grpc query query_grpc admin agent; do P[$k]=$(free_port); done
  local jfr=""
  [[ "${JFR:-0}" == 1 ]] && jfr="-XX:StartFlightRecording=filename=$OUT/jaegerj-$1.jfr,settings=profile,dumponexit=true"
  local t0; t0=$(date +%s%N)
  env SPAN_STORAGE_TYPE=memory MEMORY_MAX_TRACES=$((MAX_SPANS / 10)) \
    COLLECTOR_ZIPKIN_HOST_PORT=127.0.0.1:${P[zipkin]} COLLECTOR_OTLP_GRPC_HOST_PORT=127.0.0.1:${P[otlp_grpc]} \
    COLLECTOR_OTLP_HTTP_HOST_PORT=127.0.0.1:${P[otlp_http]} COLLECTOR_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_http]} \
    COLLECTOR_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_grpc]} QUERY_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[query]} \
    QUERY_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[query_grpc]} ADMIN_HTTP_HOST_PORT=127.0.0.1:${P[admin]} \
    AGENT_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[agent]} \
    "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC $jfr -jar "$ours_jar" >"$OUT/jaegerj-$1.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" || { echo "server exited, see $OUT/jaegerj-$1.server.log"; exit 1; }
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${P[admin]}/" || true)" == 200 ]]; then break; fi
    sleep 0.05
  done
  HEALTHY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}
endpoint() {
  case $1 in
    otlp-http) echo "http://127.0.0.1:${P[otlp_http]}/v1/traces" ;;
    otlp-grpc) echo "127.0.0.1:${P[otlp_grpc]}" ;;
    jaeger-thrift) echo "http://127.0.0.1:${P[jaeger_http]}/api/traces" ;;
    zipkin-json) echo "http://127.0.0.1:${P[zipkin]}/api/v2/spans" ;;
  esac
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); heap $HEAP; in-flight $INFLIGHT"
for proto in $PROTOCOLS; do
  start_server "$proto"
  "$JAVA" -Xmx1g -jar "$loadgen_jar" --protocol "$proto" --endpoint "$(endpoint "$proto")" \
    --query-endpoint "http://127.0.0.1:${P[query]}" --duration "$DURATION" --warmup "$WARMUP" --inflight "$INFLIGHT" \
    --check-traces 500 --trace-queries 0 --search-queries 0 >"$OUT/jaegerj-$proto.loadgen.log" 2>&1 || true
  echo "INGEST healthy_ms=$HEALTHY_MS $(grep '^RESULT' "$OUT/jaegerj-$proto.loadgen.log" | cut -d' ' -f2-)"
  stop_server
done

start_server stored
heap0=$(heap_used_kb "$SERVER_PID")
"$JAVA" -Xmx1g -jar "$loadgen_jar" --protocol otlp-http --endpoint "$(endpoint otlp-http)" \
  --query-endpoint "http://127.0.0.1:${P[query]}" --spans "$STORED_SPANS" --warmup 0 --inflight "$INFLIGHT" \
  --reservoir 100000 --check-traces 1000 --trace-queries 2000 --search-queries 500 \
  >"$OUT/jaegerj-stored.loadgen.log" 2>&1 || true
heap1=$(heap_used_kb "$SERVER_PID")
result=$(grep '^RESULT' "$OUT/jaegerj-stored.loadgen.log" | cut -d' ' -f2-)
accepted=$(sed -n 's/.*accepted_spans_total=\([0-9]*\).*/\1/p' <<<"$result")
echo "STORED healthy_ms=$HEALTHY_MS heap_bytes_per_span=$(( (heap1 - heap0) * 1024 / (accepted > 0 ? accepted : 1) )) $result"
stop_server
