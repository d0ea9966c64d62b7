#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The OpenSearch write path (issue 22 item 3, issue 23): all-in-one into one real single-node OpenSearch 2.19.1
# (1 GB heap, started once), OTLP/HTTP from the loadgen. For each flag profile ("default": Jaeger's defaults;
# "tuned": TUNED_FLAGS) and each acknowledgement mode, every offered rate of RATES at a fixed pace; then one
# closed-loop point in stored mode (no pacing, MAX_INFLIGHT requests in flight, a refused request's slot backs off
# 10 ms doubling) whose accepted rate is the highest rate sustained with acknowledgement = stored. Per point: a fresh all-in-one on a fresh index prefix (the point's
# indices are deleted afterwards), WARMUP + DURATION seconds of load, then the CHECK latest traces whose every span
# was answered 200 are read back through the query API (60 s deadline), and the collector's /metrics are scraped.
# Writes a markdown table to stdout and $OUT/table.md; columns:
#   accepted = spans answered 200 per second; 503 = refused requests; dropped after ack =
#   jaegerj_collector_spans_dropped_after_ack_total; missing = sampled acknowledged traces not complete / checked;
#   refused = jaeger_collector_spans_dropped_total (refused before acknowledgement); wait =
#   jaegerj_collector_storage_wait_seconds_total; bulks, actions/bulk, bytes/action, bulk KB/s = our _bulk requests
#   (jaegerj_es_bulk_*), over the point's whole run; CPU µs/span = CPU of our process / of OpenSearch during the point
#   (load, drain and read-back) per stored document (/proc/PID/stat); other = cores used by everything else on the
#   machine during the point (/proc/stat busy minus ours, OpenSearch's and the loadgen's CPU).
# Usage: scripts/bench-opensearch.sh
# Tunables: PROFILES="default tuned" RATES="5000 10000 20000 40000" MODES="queued stored" DURATION=20 WARMUP=5
#   CHECK=200 INFLIGHT=64 MAX_INFLIGHT=64 MAX_DURATION=30 OS_HEAP=1g HEAP=1g EXTRA="flags for every profile"
#   TUNED_FLAGS="..." OURS_JAR=path/to/all-in-one-exec.jar LOADGEN_EXTRA="--traces-per-request 1" OUT=target/bench-os
# A smoke run: PROFILES=tuned RATES=2000 MODES=stored DURATION=5 CHECK=20 MAX_DURATION=5 scripts/bench-opensearch.sh
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
PROFILES=${PROFILES:-default tuned}
TUNED_FLAGS=${TUNED_FLAGS:---es.bulk.workers=2 --es.num-shards=1 --es.num-replicas=0 --es.http-compression=false}
MAX_INFLIGHT=${MAX_INFLIGHT:-64}
MAX_DURATION=${MAX_DURATION:-30}
LOADGEN_EXTRA=${LOADGEN_EXTRA:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench-os}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
ours_jar=${OURS_JAR:-$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar 2>/dev/null | head -1 || true)}
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
{
  echo "OpenSearch 2.19.1 on :$OS_HTTP (heap $OS_HEAP), all-in-one heap $HEAP, $(nproc) cores, load average before:" \
    "$(cut -d' ' -f1-3 /proc/loadavg); OTLP/HTTP, 200 spans per request (10 attributes, 1 event), $INFLIGHT in flight," \
    "${WARMUP}s warm-up + ${DURATION}s; tuned flags: $TUNED_FLAGS${EXTRA:+; extra flags: $EXTRA}${LOADGEN_EXTRA:+; loadgen: $LOADGEN_EXTRA}"
  echo
  echo "| profile | mode | offered spans/s | accepted spans/s | 503 answers | dropped after ack | missing acked traces | refused spans | wait (worker-s) | bulks | actions/bulk | bytes/action | bulk KB/s | our CPU µs/span | OpenSearch CPU µs/span | other load (cores) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$OUT/table.md"

point=0
# run_point PROFILE MODE RATE DURATION INFLIGHT FLAGS...: one fresh all-in-one under one load; prints a table row
run_point() {
  local profile=$1 mode=$2 rate=$3 duration=$4 inflight=$5
  shift 5
  point=$((point + 1))
  local -A P
  for k in zipkin otlp_grpc otlp_http jaeger_http jaeger_grpc query query_grpc admin agent c1 c2 c3; do
    P[$k]=$(free_port)
  done
  local tag="$profile-$mode-$rate" log
  log="$OUT/aio-$tag.log"
  env SPAN_STORAGE_TYPE=opensearch ES_SERVER_URLS="http://127.0.0.1:$OS_HTTP" ES_INDEX_PREFIX="p$point" \
    COLLECTOR_ACKNOWLEDGE="${mode/warmup/queued}" \
    COLLECTOR_ZIPKIN_HOST_PORT=127.0.0.1:${P[zipkin]} COLLECTOR_OTLP_GRPC_HOST_PORT=127.0.0.1:${P[otlp_grpc]} \
    COLLECTOR_OTLP_HTTP_HOST_PORT=127.0.0.1:${P[otlp_http]} COLLECTOR_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_http]} \
    COLLECTOR_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_grpc]} QUERY_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[query]} \
    QUERY_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[query_grpc]} ADMIN_HTTP_HOST_PORT=127.0.0.1:${P[admin]} \
    AGENT_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[agent]} PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c1]} \
    PROCESSOR_JAEGER_BINARY_SERVER_HOST_PORT=127.0.0.1:${P[c2]} PROCESSOR_ZIPKIN_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c3]} \
    "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -jar "$ours_jar" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" || { echo "all-in-one exited, see $log"; exit 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${P[admin]}/" || true)" == 200 ]] && break
    sleep 0.1
  done
  local ours0 os0 busy0 t0 ours1 os1 busy1 elapsed
  ours0=$(cpu_s "$SERVER_PID"); os0=$(cpu_s "$OS_PID"); busy0=$(busy_s); t0=$(date +%s%N)
  "$JAVA" -jar "$loadgen_jar" --protocol otlp-http --endpoint "http://127.0.0.1:${P[otlp_http]}/v1/traces" \
    --query-endpoint "http://127.0.0.1:${P[query]}" --rate "$rate" --inflight "$inflight" \
    --reject-backoff-ms "$([[ $rate == 0 ]] && echo 10 || echo 0)" \
    --warmup "$WARMUP" --duration "$duration" --check-traces "$CHECK" --check-deadline 60 \
    --trace-queries 0 --search-queries 0 $LOADGEN_EXTRA >"$OUT/loadgen-$tag.log" 2>&1 || true
  ours1=$(cpu_s "$SERVER_PID"); os1=$(cpu_s "$OS_PID"); busy1=$(busy_s); elapsed=$(( $(date +%s%N) - t0 ))
  metrics=$(curl -s "http://127.0.0.1:${P[admin]}/metrics")
  r=$(grep '^RESULT' "$OUT/loadgen-$tag.log" || echo "RESULT")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  curl -s -XDELETE "http://127.0.0.1:$OS_HTTP/p$point-*" >/dev/null || true
  [[ $mode == warmup ]] && return
  local checked complete gen stored bulks actions bbytes ours os offered
  checked=$(kv checked_traces); complete=$(kv complete_traces); gen=$(kv generator_cpu_s)
  stored=$(m jaeger_es_bulk_stored_items_total); bulks=$(m jaegerj_es_bulk_requests_total)
  actions=$(m jaegerj_es_bulk_actions_total); bbytes=$(m jaegerj_es_bulk_bytes_total)
  ours=$(echo "$ours1 - $ours0" | bc -l); os=$(echo "$os1 - $os0" | bc -l)
  offered=$([[ $rate == 0 ]] && echo "max ($inflight in flight)" || echo "$rate")
  printf '| %s | %s | %s | %.0f | %s | %s | %s/%s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f |\n' \
    "$profile" "$mode" "$offered" "$(kv spans_per_sec)" "$(kv rejected_requests)" \
    "$(m jaegerj_collector_spans_dropped_after_ack_total)" "$(( ${checked:-0} - ${complete:-0} ))" "${checked:-0}" \
    "$(m jaeger_collector_spans_dropped_total)" "$(m jaegerj_collector_storage_wait_seconds_total)" "$bulks" \
    "$(echo "$actions / ($bulks + 0.000001)" | bc -l)" "$(echo "$bbytes / ($actions + 0.000001)" | bc -l)" \
    "$(echo "$bbytes / 1024 * 1000000000 / $elapsed" | bc -l)" \
    "$(echo "$ours * 1000000 / ($stored + 0.000001)" | bc -l)" "$(echo "$os * 1000000 / ($stored + 0.000001)" | bc -l)" \
    "$(echo "($busy1 - $busy0 - $ours - $os - ${gen:-0}) * 1000000000 / $elapsed" | bc -l)" | tee -a "$OUT/table.md"
}
m() { echo "$metrics" | awk -v n="$1" '$1 ~ "^"n"({|$)" { s += $2 } END { printf "%.0f", s }'; }
kv() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

for profile in $PROFILES; do
  flags=$EXTRA
  [[ $profile == tuned ]] && flags="$TUNED_FLAGS $EXTRA"
  # shellcheck disable=SC2086
  {
    # an unprinted short point warms OpenSearch's and our JIT up for this profile
    run_point "$profile" warmup "${RATES%% *}" 10 "$INFLIGHT" $flags
    for mode in $MODES; do
      for rate in $RATES; do
        run_point "$profile" "$mode" "$rate" "$DURATION" "$INFLIGHT" $flags
      done
    done
    run_point "$profile" stored 0 "$MAX_DURATION" "$MAX_INFLIGHT" $flags
  }
done
echo | tee -a "$OUT/table.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/table.md"
