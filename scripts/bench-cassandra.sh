#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Cassandra benchmark (issue 12 item 7) through the real path: all-in-one with SPAN_STORAGE_TYPE=cassandra and
# COLLECTOR_ACKNOWLEDGE=stored (a request is answered 200 only once Cassandra acknowledged every row of its spans), fed
# OTLP/HTTP by our loadgen in a closed loop (INFLIGHT requests of 200 spans, a refused request's slot backs off 10 ms);
# one real single-node Cassandra 5.0.4 (child JVM, classpath from Maven Central by
# storage-cassandra/src/test/servers/cassandra-5/pom.xml, started once), each profile's keyspace created by our schema
# tool (storage-cassandra's exec jar, MODE=test). Per profile: SPANS spans, then CHECK of the latest acknowledged
# traces read back, then TRACE_QUERIES getTrace and SEARCH_QUERIES searches (service + customer tag, limit 20, over the
# whole run) through query's HTTP API on the store holding those spans.
# Columns: accepted spans/s = spans answered 200 per second of ingest; 503 = refused requests; dropped after ack =
#   jaegerj_collector_spans_dropped_after_ack_total; missing = sampled acknowledged traces not complete / checked;
#   rows, partitions, requests /span = jaegerj_cassandra_{rows,partitions,write_requests} per stored span; CPU µs/span =
#   CPU of our process / of Cassandra from the start of the load to the first query (ingest, drain and read-back of the
#   sampled traces) per stored span (/proc/PID/stat, sampled every second); other = cores used by everything else
#   on the machine in that window (/proc/stat busy minus ours, Cassandra's and the loadgen's CPU); getTrace and search
#   p50/p99 in ms.
# Usage: SPANS=1000000 scripts/bench-cassandra.sh     (a smoke run: SPANS=20000 TRACE_QUERIES=50 SEARCH_QUERIES=20)
# Tunables: PROFILES="default recommended" RECOMMENDED_FLAGS="..." EXTRA="flags for every profile" INFLIGHT=16
#   CHECK=200 TRACE_QUERIES=500 SEARCH_QUERIES=100 CASS_HEAP=1g HEAP=1g OURS_JAR=... SCHEMA_JAR=... OUT=...
#   OURS_OPTS="-XX:StartFlightRecording=filename=/tmp/ours.jfr" (JVM options of our process)
#   MODE=storage runs the older in-process StorageBenchmark (writer and reader without the binary) instead.
set -euo pipefail
SPANS=${SPANS:-1000000}
PROFILES=${PROFILES:-default recommended}
RECOMMENDED_FLAGS=${RECOMMENDED_FLAGS:---cassandra.index.logs=false --cassandra.index.process-tags=false}
EXTRA=${EXTRA:-}
INFLIGHT=${INFLIGHT:-16}
CHECK=${CHECK:-200}
TRACE_QUERIES=${TRACE_QUERIES:-500}
SEARCH_QUERIES=${SEARCH_QUERIES:-100}
CASS_HEAP=${CASS_HEAP:-1g}
HEAP=${HEAP:-1g}
MODE=${MODE:-binary}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench-cassandra}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
cp_file=$ROOT/storage-cassandra/target/servers/cassandra-5.classpath
if [[ ! -f "$cp_file" ]]; then
  mkdir -p "$(dirname "$cp_file")"
  mvn -q -B -f "$ROOT/storage-cassandra/src/test/servers/cassandra-5/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$cp_file"
fi
if [[ $MODE == storage ]]; then
  (cd "$ROOT" && ./mvnw -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$OUT/bench.classpath")
else
  ours_jar=${OURS_JAR:-$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar 2>/dev/null | head -1 || true)}
  schema_jar=${SCHEMA_JAR:-$(ls "$ROOT"/storage-cassandra/target/storage-cassandra-*-exec.jar 2>/dev/null | head -1 || true)}
  loadgen_jar=$ROOT/loadgen/target/loadgen.jar
  if [[ -z "${OURS_JAR:-}" ]]; then # always rebuild: a stale jar would measure old code
    (cd "$ROOT" && ./mvnw -B -q -o -pl all-in-one,loadgen,storage-cassandra -am package -DskipTests)
    ours_jar=$(ls "$ROOT"/all-in-one/target/all-in-one-*-exec.jar | head -1)
    schema_jar=$(ls "$ROOT"/storage-cassandra/target/storage-cassandra-*-exec.jar | head -1)
  fi
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
cpu_s() { # pid -> user+system CPU seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}
busy_s() { # CPU seconds of the whole machine outside idle and iowait since boot
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}
CASS_PID=""
SERVER_PID=""
SAMPLER_PID=""
HOME_DIR=$(mktemp -d /tmp/bench-cassandra.XXXXXX)
cleanup() {
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null
  [[ -n "$CASS_PID" ]] && kill -9 "$CASS_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$HOME_DIR"
  true
}
trap cleanup EXIT
PORT=$(free_port)
STORAGE_PORT=$(free_port)
cat >"$HOME_DIR/cassandra.yaml" <<YAML
cluster_name: jaegerj-bench
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $STORAGE_PORT
native_transport_port: $PORT
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
data_file_directories: [$HOME_DIR/data]
commitlog_directory: $HOME_DIR/commitlog
saved_caches_directory: $HOME_DIR/saved_caches
hints_directory: $HOME_DIR/hints
cdc_raw_directory: $HOME_DIR/cdc_raw
auto_snapshot: false
dynamic_snitch: false
YAML
printf '<configuration><appender name="O" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%%d %%-5level %%logger{0} - %%msg%%n</pattern></encoder></appender><root level="INFO"><appender-ref ref="O"/></root></configuration>' \
  >"$HOME_DIR/logback.xml"
mapfile -t opts < <(grep -v '^-Xm[sx]' "$ROOT/storage-cassandra/src/test/resources/cassandra-5/jvm-options.txt" | sed '/^$/d')
"$JAVA" "${opts[@]}" -Xms"$CASS_HEAP" -Xmx"$CASS_HEAP" -Dcassandra.config="file://$HOME_DIR/cassandra.yaml" \
  -Dcassandra.storagedir="$HOME_DIR" -Dlogback.configurationFile="$HOME_DIR/logback.xml" \
  -cp "$(cat "$cp_file")" org.apache.cassandra.service.CassandraDaemon >"$OUT/cassandra.log" 2>&1 &
CASS_PID=$!
for _ in $(seq 1 1200); do
  kill -0 "$CASS_PID" || { echo "cassandra exited, see $OUT/cassandra.log"; exit 1; }
  grep -q "Startup complete" "$OUT/cassandra.log" && break
  sleep 0.2
done

if [[ $MODE == storage ]]; then
  echo "# cassandra 5.0.4 on :$PORT (heap $CASS_HEAP), StorageBenchmark heap $HEAP, extra flags: ${EXTRA:-none}"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  # shellcheck disable=SC2086
  "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -cp "$ROOT/benchmarks/target/classes:$(cat "$OUT/bench.classpath")" \
    io.jaegerj.bench.StorageBenchmark --backends=cassandra --spans="$SPANS" --batch="${BATCH:-100}" \
    --concurrency="${CONCURRENCY:-8}" --server-pid="$CASS_PID" --cassandra.servers=127.0.0.1 --cassandra.port="$PORT" \
    --cassandra.keyspace="bench_$(date +%s)" --cassandra.schema.create=true $EXTRA
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

{
  echo "Cassandra 5.0.4 on :$PORT (heap $CASS_HEAP, single node), all-in-one heap $HEAP, $(nproc) cores, load average" \
    "before: $(cut -d' ' -f1-3 /proc/loadavg); OTLP/HTTP, 200 spans per request (10 attributes, 1 event), $INFLIGHT in" \
    "flight, closed loop, COLLECTOR_ACKNOWLEDGE=stored; recommended flags: $RECOMMENDED_FLAGS${EXTRA:+; extra flags: $EXTRA}"
  echo
  echo "| profile | spans | accepted spans/s | 503 answers | dropped after ack | missing acked traces | rows/span | partitions/span | requests/span | our CPU µs/span | Cassandra CPU µs/span | other load (cores) | getTrace p50 ms | getTrace p99 ms | search p50 ms | search p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$OUT/table.md"

m() { echo "$metrics" | awk -v n="$1" '$1 ~ "^"n"({|$)" { s += $2 } END { printf "%.0f", s }'; }
kv() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

for profile in $PROFILES; do
  flags=$EXTRA
  [[ $profile == recommended ]] && flags="$RECOMMENDED_FLAGS $EXTRA"
  ks="bench_${profile}_$(date +%s)"
  CQLSH_HOST=127.0.0.1 CQLSH_PORT=$PORT MODE=test KEYSPACE=$ks "$JAVA" -jar "$schema_jar" >"$OUT/schema-$profile.log" 2>&1 \
    || { echo "schema tool failed, see $OUT/schema-$profile.log"; exit 1; }
  declare -A P
  for k in zipkin otlp_grpc otlp_http jaeger_http jaeger_grpc query query_grpc admin agent c1 c2 c3; do
    P[$k]=$(free_port)
  done
  log="$OUT/aio-$profile.log"
  # shellcheck disable=SC2086
  env SPAN_STORAGE_TYPE=cassandra CASSANDRA_SERVERS=127.0.0.1 CASSANDRA_PORT="$PORT" CASSANDRA_KEYSPACE="$ks" \
    COLLECTOR_ACKNOWLEDGE=stored \
    COLLECTOR_ZIPKIN_HOST_PORT=127.0.0.1:${P[zipkin]} COLLECTOR_OTLP_GRPC_HOST_PORT=127.0.0.1:${P[otlp_grpc]} \
    COLLECTOR_OTLP_HTTP_HOST_PORT=127.0.0.1:${P[otlp_http]} COLLECTOR_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_http]} \
    COLLECTOR_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[jaeger_grpc]} QUERY_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[query]} \
    QUERY_GRPC_SERVER_HOST_PORT=127.0.0.1:${P[query_grpc]} ADMIN_HTTP_HOST_PORT=127.0.0.1:${P[admin]} \
    AGENT_HTTP_SERVER_HOST_PORT=127.0.0.1:${P[agent]} PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c1]} \
    PROCESSOR_JAEGER_BINARY_SERVER_HOST_PORT=127.0.0.1:${P[c2]} PROCESSOR_ZIPKIN_COMPACT_SERVER_HOST_PORT=127.0.0.1:${P[c3]} \
    "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC ${OURS_OPTS:-} -jar "$ours_jar" $flags >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" || { echo "all-in-one exited, see $log"; exit 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${P[admin]}/" || true)" == 200 ]] && break
    sleep 0.1
  done
  samples=$OUT/cpu-$profile.txt
  # epoch ms, our CPU s, Cassandra's CPU s, machine busy s: once a second until the point ends
  (while :; do echo "$(date +%s%3N) $(cpu_s "$SERVER_PID") $(cpu_s "$CASS_PID") $(busy_s)"; sleep 1; done) >"$samples" &
  SAMPLER_PID=$!
  "$JAVA" -jar "$loadgen_jar" --protocol otlp-http --endpoint "http://127.0.0.1:${P[otlp_http]}/v1/traces" \
    --query-endpoint "http://127.0.0.1:${P[query]}" --rate 0 --inflight "$INFLIGHT" --reject-backoff-ms 10 \
    --warmup 0 --duration 100000 --spans "$SPANS" --check-traces "$CHECK" --check-deadline 60 \
    --trace-queries "$TRACE_QUERIES" --search-queries "$SEARCH_QUERIES" --query-samples "$OUT/queries-$profile.txt" \
    >"$OUT/loadgen-$profile.log" 2>&1 || true
  kill "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  metrics=$(curl -s "http://127.0.0.1:${P[admin]}/metrics")
  r=$(grep '^RESULT' "$OUT/loadgen-$profile.log" || echo "RESULT")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  # the ingest window: first sample to the last sample before the first query
  first_query_ms=$(awk 'NR == 1 || $2 < min { min = $2 } END { printf "%.0f", min / 1000 }' "$OUT/queries-$profile.txt" \
    2>/dev/null || echo 0)
  [[ "$first_query_ms" == 0 || -z "$first_query_ms" ]] && first_query_ms=$(tail -1 "$samples" | cut -d' ' -f1)
  read -r t0 ours0 cass0 busy0 < <(head -1 "$samples")
  read -r t1 ours1 cass1 busy1 < <(awk -v q="$first_query_ms" '$1 <= q { l = $0 } END { print l }' "$samples")
  stored=$(kv accepted_spans_total)
  checked=$(kv checked_traces); complete=$(kv complete_traces); gen=$(kv generator_cpu_s)
  rows=$(m 'jaegerj_cassandra_rows_written_total'); parts=$(m 'jaegerj_cassandra_partitions_written_total')
  reqs=$(m 'jaegerj_cassandra_write_requests_total')
  ours=$(echo "$ours1 - $ours0" | bc -l); cass=$(echo "$cass1 - $cass0" | bc -l)
  elapsed_s=$(echo "($t1 - $t0) / 1000 + 0.000001" | bc -l)
  printf '| %s | %s | %.0f | %s | %s | %s/%s | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f | %s | %s | %s | %s |\n' \
    "$profile" "${stored:-0}" "$(kv spans_per_sec)" "$(kv rejected_requests)" \
    "$(m jaegerj_collector_spans_dropped_after_ack_total)" "$(( ${checked:-0} - ${complete:-0} ))" "${checked:-0}" \
    "$(echo "$rows / (${stored:-0} + 0.000001)" | bc -l)" "$(echo "$parts / (${stored:-0} + 0.000001)" | bc -l)" \
    "$(echo "$reqs / (${stored:-0} + 0.000001)" | bc -l)" \
    "$(echo "$ours * 1000000 / (${stored:-0} + 0.000001)" | bc -l)" \
    "$(echo "$cass * 1000000 / (${stored:-0} + 0.000001)" | bc -l)" \
    "$(echo "($busy1 - $busy0 - $ours - $cass - ${gen:-0}) / $elapsed_s" | bc -l)" \
    "$(kv trace_p50_ms)" "$(kv trace_p99_ms)" "$(kv search_p50_ms)" "$(kv search_p99_ms)" | tee -a "$OUT/table.md"
done
echo | tee -a "$OUT/table.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/table.md"
