#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Storage slower than ingest (issue 23): all-in-one into a real single-node OpenSearch 2.19.1 (1 GB heap), OTLP/HTTP
# offered at fixed rates by the loadgen, in each acknowledgement mode. Per point: a fresh all-in-one on a fresh index
# prefix, WARMUP + DURATION seconds of load, then the CHECK latest traces answered 200 are read back through the
# query API, and the collector's metrics are scraped.
# Prints one row per point:
#   mode offered_spans_per_s accepted_spans_per_s 503_answers missing_acked_traces/checked spans_dropped_total(refused)
#   dropped_after_ack storage_wait_worker_s collector_cpu_s opensearch_cpu_s
# Usage: scripts/bench-opensearch.sh   Tunables: RATES="5000 10000 20000 40000" MODES="queued stored" DURATION=20
#   WARMUP=5 CHECK=200 INFLIGHT=64 OS_HEAP=1g HEAP=1g EXTRA="--es.bulk.workers=2 ..." OUT=target/bench-os
set -euo pipefail
RATES=${RATES:-5000 10000 20000 40000}
MODES=${MODES:-queued stored}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CHECK=${CHECK:-200}
INFLIGHT=${INFLIGHT:-64}
OS_HEAP=${OS_HEAP:-1g}
HEAP=${HEAP:-1g}
EXTRA=${EXTRA:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench-os}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar 2>/dev/null | head -1 || true)
loadgen_jar=$ROOT/loadgen/target/loadgen.jar
if [[ -z "$ours_jar" || ! -f "$loadgen_jar" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -o -pl all-in-one,loadgen -am package -DskipTests)
  ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar | head -1)
fi
os_cp_file=$ROOT/storage-elasticsearch/target/servers/opensearch-2.classpath
if [[ ! -f "$os_cp_file" ]]; then
  mkdir -p "$(dirname "$os_cp_file")"
  mvn -q -B -f "$ROOT/storage-elasticsearch/src/test/servers/opensearch-2/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$os_cp_file"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
cpu_s() { # pid -> user+system CPU seconds so far
  awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"
}
busy_s() { # CPU seconds of the whole machine outside idle and iowait since boot
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}
OS_PID=""
SERVER_PID=""
OS_HOME=$(mktemp -d /tmp/bench-os.XXXXXX)
trap '[[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; [[ -n "$OS_PID" ]] && kill -9 "$OS_PID" 2>/dev/null; sleep 1; rm -rf "$OS_HOME"; true' EXIT

OS_HTTP=$(free_port)
"$JAVA" -Xms"$OS_HEAP" -Xmx"$OS_HEAP" -Dlog4j2.disable.jmx=true -cp "$(cat "$os_cp_file")" \
  "$ROOT/storage-elasticsearch/src/test/servers/opensearch-2/Launcher.java" "$OS_HOME" "$OS_HTTP" "$(free_port)" \
  >"$OUT/opensearch.log" 2>&1 &
OS_PID=$!
for _ in $(seq 1 600); do
  kill -0 "$OS_PID" || { echo "opensearch exited, see $OUT/opensearch.log"; exit 1; }
  curl -sf "http://127.0.0.1:$OS_HTTP/" >/dev/null && break
  sleep 0.2
done
echo "# opensearch 2.19.1 on :$OS_HTTP (heap $OS_HEAP), all-in-one heap $HEAP, extra flags: ${EXTRA:-none}"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

point=0
# the first point (a short queued run at the first rate) only warms OpenSearch's and our JIT up; it is not printed
for mode in warmup $MODES; do
  rates=$RATES
  [[ $mode == warmup ]] && rates=${RATES%% *}
  for rate in $rates; do
    point=$((point + 1))
    declare -A P
    for k in zipkin otlp_grpc otlp_http jaeger_http jaeger_grpc query query_grpc admin agent c1 c2 c3; do
      P[$k]=$(free_port)
    done
    log="$OUT/aio-$mode-$rate.log"
    # shellcheck disable=SC2086
    env SPAN_STORAGE_TYPE=opensearch ES_SERVER_URLS="http://127.0.0.1:$OS_HTTP" ES_INDEX_PREFIX="p$point" \
      COLLECTOR_ACKNOWLEDGE="${mode/warmup/queued}" \
      COLLECTOR_ZIPKIN_HOST_PORT=127.0.0.1:${P[zipkin]} COLLECTOR_OTLP_GRPC_HOST_PORT=127.0.0.1:${P[otlp_grpc]} \
      COLLECTOR_OTLP_HTTP_HOST_PORT=127.0.0.1:${P[otlp_http]} COLLECTOR_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_http]} \
      COLLECTOR_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_grpc]} QUERY_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[query]} \
      QUERY_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[query_grpc]} ADMIN_HTTP_HOST_PORT=127.0.0.1:${P[admin]} \
      AGENT_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[agent]} PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c1]} \
      PROCESSOR_JAEGER_BINARY_SERVER_HOST_PORT=127.0.0.1:${P[c2]} PROCESSOR_ZIPKIN_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c3]} \
      "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -jar "$ours_jar" $EXTRA >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
      kill -0 "$SERVER_PID" || { echo "all-in-one exited, see $log"; exit 1; }
      [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${P[admin]}/" || true)" == 200 ]] && break
      sleep 0.1
    done
    ours0=$(cpu_s "$SERVER_PID"); os0=$(cpu_s "$OS_PID"); busy0=$(busy_s); t0=$(date +%s%N)
    "$JAVA" -jar "$loadgen_jar" --protocol otlp-http --endpoint "http://127.0.0.1:${P[otlp_http]}/v1/traces" \
      --query-endpoint "http://127.0.0.1:${P[query]}" --rate "$rate" --inflight "$INFLIGHT" --reject-backoff-ms 0 \
      --warmup "$WARMUP" --duration "$([[ $mode == warmup ]] && echo 15 || echo "$DURATION")" --check-traces "$CHECK" --check-deadline 60 \
      --trace-queries 0 --search-queries 0 >"$OUT/loadgen-$mode-$rate.log" 2>&1 || true
    ours1=$(cpu_s "$SERVER_PID"); os1=$(cpu_s "$OS_PID")
    metrics=$(curl -s "http://127.0.0.1:${P[admin]}/metrics")
    m() { echo "$metrics" | awk -v n="$1" '$1 ~ "^"n"({|$)" { s += $2 } END { printf "%.0f", s }'; }
    r=$(grep '^RESULT' "$OUT/loadgen-$mode-$rate.log" || echo "RESULT")
    kv() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
    checked=$(kv checked_traces); complete=$(kv complete_traces)
    busy1=$(busy_s); elapsed=$(( $(date +%s%N) - t0 ))
    gen=$(kv generator_cpu_s)
    stored=$(m jaeger_es_bulk_stored_items_total); bulks=$(m jaegerj_es_bulk_requests_total)
    actions=$(m jaegerj_es_bulk_actions_total); bbytes=$(m jaegerj_es_bulk_bytes_total)
    [[ $mode == warmup ]] || printf '%s %s %s %s %s/%s %s %s %s %.1f %.1f %s %s %.0f %.0f %.0f %.0f %.2f\n' "$mode" "$rate" \
      "$(kv spans_per_sec)" "$(kv rejected_requests)" "$(( ${checked:-0} - ${complete:-0} ))" "${checked:-0}" \
      "$(m jaeger_collector_spans_dropped_total)" "$(m jaegerj_collector_spans_dropped_after_ack_total)" \
      "$(m jaegerj_collector_storage_wait_seconds_total)" \
      "$(echo "$ours1 - $ours0" | bc)" "$(echo "$os1 - $os0" | bc)" "$stored" "$bulks" \
      "$(echo "$actions / ($bulks + 0.000001)" | bc -l)" "$(echo "$bbytes / ($actions + 0.000001)" | bc -l)" \
      "$(echo "($ours1 - $ours0) * 1000000 / ($stored + 0.000001)" | bc -l)" \
      "$(echo "($os1 - $os0) * 1000000 / ($stored + 0.000001)" | bc -l)" \
      "$(echo "($busy1 - $busy0 - ($ours1 - $ours0) - ($os1 - $os0) - ${gen:-0}) * 1000000000 / $elapsed" | bc -l)"
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
