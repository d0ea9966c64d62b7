#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Cassandra storage benchmark (issue 12 item 7): a real single-node Cassandra 5.0.4 (child JVM, classpath resolved
# from Maven Central by storage-cassandra/src/test/servers/cassandra-5/pom.xml), then benchmarks' StorageBenchmark
# through our CassandraSpanWriter/Reader: spans/s written with every batch acknowledged by Cassandra (as with
# COLLECTOR_ACKNOWLEDGE=stored), CPU per span of our process and of Cassandra, getTrace and search p50/p99.
# Usage: scripts/bench-cassandra.sh   Tunables: SPANS=1000000 BATCH=100 CONCURRENCY=8 CASS_HEAP=1g HEAP=2g
#   PORT=<cql port of an already running node, to skip the start> EXTRA="--cassandra.index.logs=false ..."
#   OUT=target/bench-cassandra
set -euo pipefail
SPANS=${SPANS:-1000000}
BATCH=${BATCH:-100}
CONCURRENCY=${CONCURRENCY:-8}
CASS_HEAP=${CASS_HEAP:-1g}
HEAP=${HEAP:-2g}
EXTRA=${EXTRA:-}
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
(cd "$ROOT" && ./mvnw -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$OUT/bench.classpath")

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
CASS_PID=""
HOME_DIR=""
trap '[[ -n "$CASS_PID" ]] && { kill -9 "$CASS_PID"; wait "$CASS_PID"; } 2>/dev/null; [[ -n "$HOME_DIR" ]] && rm -rf "$HOME_DIR"; true' EXIT
if [[ -z "${PORT:-}" ]]; then
  HOME_DIR=$(mktemp -d /tmp/bench-cassandra.XXXXXX)
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
  SERVER_PID=$CASS_PID
else
  SERVER_PID=${CASS_PID_EXTERNAL:-0}
fi
echo "# cassandra 5.0.4 on :$PORT (heap $CASS_HEAP), writer heap $HEAP, extra flags: ${EXTRA:-none}"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
# shellcheck disable=SC2086
"$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -cp "$ROOT/benchmarks/target/classes:$(cat "$OUT/bench.classpath")" \
  io.jaegerj.bench.StorageBenchmark --backends=cassandra --spans="$SPANS" --batch="$BATCH" \
  --concurrency="$CONCURRENCY" --server-pid="$SERVER_PID" --cassandra.servers=127.0.0.1 --cassandra.port="$PORT" \
  --cassandra.keyspace="bench_$(date +%s)" --cassandra.schema.create=true $EXTRA
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
