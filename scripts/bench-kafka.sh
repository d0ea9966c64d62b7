#!/bin/bash
# One command: BUILD=1 DUR=20 scripts/bench-kafka.sh
#   BUILD=1 first runs ./mvnw -o -B -q -pl collector,ingester,loadgen -am package -DskipTests; the Kafka broker's
#   classpath (storage-kafka/target/servers/kafka.classpath, written by the storage-kafka tests) is resolved here
#   with mvn from the throw-away pom storage-kafka/src/test/servers/kafka/pom.xml when it is missing.
# Kafka benchmark: broker (child JVM) + collector(kafka, acknowledge=stored) + ingester(memory) + loadgen. Prints the
# load generator's result (collector -> Kafka, acknowledged by Kafka), then every ~5 s the producer's acknowledged
# spans, the ingester's consumed messages and the consumer lag, and at the end the collector -> Kafka and
# ingester -> storage rates over their busiest 10 s, and the CPU time (user + system, from /proc) the collector and
# the broker spent per span Kafka acknowledged during the measured run (after a WARM-second warm-up run, default 20):
# a figure that depends far less on the machine's load than the rates. DUR = measured seconds, INFLIGHT (32),
# BENCH_DIR,
#   COLLECTOR_JAR (another collector build to compare, default the reactor's), COLLECTOR_JVM (extra JVM options of
#   the collector, e.g. -XX:StartFlightRecording=filename=/tmp/c.jfr for scripts/jfr-top.sh).
set -u
W=$(cd "$(dirname "$0")/.." && pwd)
B=${BENCH_DIR:-/tmp/jaegerj-kafka-bench}; mkdir -p $B
if [ "${BUILD:-0}" = 1 ]; then
  (cd "$W" && ./mvnw -o -B -q -pl collector,ingester,loadgen -am package -DskipTests) || exit 1
fi
if [ ! -s "$W/storage-kafka/target/servers/kafka.classpath" ]; then
  mkdir -p "$W/storage-kafka/target/servers"
  mvn -q -B -o -f "$W/storage-kafka/src/test/servers/kafka/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$W/storage-kafka/target/servers/kafka.classpath" > "$B/classpath.log" 2>&1 \
    || mvn -q -B -f "$W/storage-kafka/src/test/servers/kafka/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$W/storage-kafka/target/servers/kafka.classpath" >> "$B/classpath.log" 2>&1 \
    || { echo "cannot resolve the Kafka classpath, see $B/classpath.log"; exit 1; }
fi
CP=$(cat $W/storage-kafka/target/servers/kafka.classpath)
free() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
KP=$(free); CTL=$(free)
rm -rf $B/data; mkdir -p $B/data
cat > $B/server.properties <<P
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CTL
listeners=PLAINTEXT://127.0.0.1:$KP,CONTROLLER://127.0.0.1:$CTL
advertised.listeners=PLAINTEXT://127.0.0.1:$KP
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$B/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=8388608
P
java -Xmx256m -cp "$CP" kafka.tools.StorageTool format -t $(python3 -c 'import uuid,base64;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))') -c $B/server.properties > $B/format.log 2>&1
java -Xms256m -Xmx512m -cp "$CP" kafka.Kafka $B/server.properties > $B/kafka.log 2>&1 &
echo $! > $B/kafka.pid
for i in $(seq 1 240); do grep -q "Kafka Server started" $B/kafka.log && break; sleep 0.5; done
echo "kafka on $KP"
OH=$(free); OG=$(free); AD=$(free); GR=$(free); TH=$(free); IA=$(free)
java -cp "$CP" kafka.admin.TopicCommand --bootstrap-server 127.0.0.1:$KP --create --topic jaeger-spans --partitions 4 --replication-factor 1 > $B/topic.log 2>&1
SPAN_STORAGE_TYPE=memory java -Xmx1500m -jar $W/ingester/target/ingester-0.1.0-SNAPSHOT-exec.jar \
  --kafka.consumer.brokers=127.0.0.1:$KP --admin.http.host-port=127.0.0.1:$IA --log-level=warn > $B/ingester.log 2>&1 &
echo $! > $B/ingester.pid
SPAN_STORAGE_TYPE=kafka java ${COLLECTOR_JVM:-} -Xmx1g -jar ${COLLECTOR_JAR:-$W/collector/target/collector-0.1.0-SNAPSHOT-exec.jar} \
  --kafka.producer.brokers=127.0.0.1:$KP --collector.acknowledge=stored \
  --agent.http-server.host-port=127.0.0.1:$(free) --processor.jaeger-compact.server-host-port=127.0.0.1:$(free) \
  --processor.jaeger-binary.server-host-port=127.0.0.1:$(free) \
  --processor.zipkin-compact.server-host-port=127.0.0.1:$(free) \
  --collector.otlp.http.host-port=127.0.0.1:$OH --collector.otlp.grpc.host-port=127.0.0.1:$OG \
  --collector.grpc-server.host-port=127.0.0.1:$GR --collector.http-server.host-port=127.0.0.1:$TH \
  --admin.http.host-port=127.0.0.1:$AD --log-level=warn > $B/collector.log 2>&1 &
echo $! > $B/collector.pid
for i in $(seq 1 240); do curl -sf 127.0.0.1:$AD/ >/dev/null && curl -sf 127.0.0.1:$IA/ >/dev/null && break; sleep 0.5; done
for i in $(seq 1 240); do curl -s 127.0.0.1:$IA/metrics | grep -q "^jaeger_ingester_sarama_consumer_partitions_held 4" && break; sleep 0.5; done
echo "collector and ingester up"; uptime
( t0=$(date +%s); while kill -0 $(cat $B/ingester.pid) 2>/dev/null; do
    m=$(curl -s 127.0.0.1:$IA/metrics)
    msgs=$(echo "$m" | awk '/^jaeger_ingester_sarama_consumer_messages_total/ {s+=$2} END {printf "%d", s}')
    lag=$(echo "$m" | awk '/^jaeger_ingester_sarama_consumer_offset_lag/ {s+=$2} END {printf "%d", s}')
    prod=$(curl -s 127.0.0.1:$AD/metrics 2>/dev/null \
      | awk '/^jaeger_storage_kafka_spans_written_total\{.*status="success"/ {s+=$2} END {printf "%d", s}')
    echo "$(( $(date +%s) - t0 )) s: produced ${prod:-0}, consumed $msgs, lag $lag"; sleep 5; done ) > $B/ingester-samples.txt &
# CPU time (user + system) of each process over the load generator's run, per span Kafka acknowledged
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
produced() { curl -s 127.0.0.1:$AD/metrics \
  | awk '/^jaeger_storage_kafka_spans_written_total\{.*status="success"/ {s+=$2} END {printf "%d", s}'; }
HZ=$(getconf CLK_TCK)
# a warm-up run first, so that the CPU figures are not mostly the JIT compiler's (WARM seconds, 0 = none)
if [ "${WARM:-20}" -gt 0 ]; then
  java -jar $W/loadgen/target/loadgen.jar --protocol otlp-http --endpoint http://127.0.0.1:$OH/v1/traces \
    --duration ${WARM:-20} --warmup 0 --inflight ${INFLIGHT:-32} --check-traces 0 --trace-queries 0 \
    --search-queries 0 > $B/loadgen-warmup.txt 2>&1
fi
C0=$(ticks $(cat $B/collector.pid)); K0=$(ticks $(cat $B/kafka.pid)); P0=$(produced)
java -jar $W/loadgen/target/loadgen.jar --protocol otlp-http --endpoint http://127.0.0.1:$OH/v1/traces \
  --duration ${DUR:-20} --warmup 5 --inflight ${INFLIGHT:-32} --check-traces 0 --trace-queries 0 --search-queries 0 > $B/loadgen.txt 2>&1
head -40 $B/loadgen.txt
C1=$(ticks $(cat $B/collector.pid)); K1=$(ticks $(cat $B/kafka.pid)); P1=$(produced)
awk -v c=$((C1 - C0)) -v k=$((K1 - K0)) -v n=$((P1 - P0)) -v hz=$HZ 'BEGIN { if (n > 0) {
  printf "CPU per span acknowledged by Kafka (%d spans): collector %.2f us, broker %.2f us\n", n, c / hz * 1e6 / n, k / hz * 1e6 / n } }'
curl -s 127.0.0.1:$AD/metrics | grep -E "^jaeger_storage_kafka_spans_written"
kill $(cat $B/collector.pid)
for i in $(seq 1 120); do tail -1 $B/ingester-samples.txt | grep -q "lag 0" && break; sleep 1; done
sleep 6; cat $B/ingester-samples.txt; uptime
# busiest interval between two consecutive samples (~5 s) of the producer (while the collector ran) and the ingester
awk '{ t[NR] = $1; p[NR] = $4 + 0; c[NR] = $6 + 0 }
  END { bp = 0; bc = 0
        for (i = 2; i <= NR; i++) { dt = t[i] - t[i - 1]; if (dt <= 0) continue
          if (p[i] > 0 && (p[i] - p[i - 1]) / dt > bp) bp = (p[i] - p[i - 1]) / dt
          if ((c[i] - c[i - 1]) / dt > bc) bc = (c[i] - c[i - 1]) / dt }
        printf "collector -> Kafka (producer acks), busiest sample interval: %.0f spans/s\n", bp
        printf "ingester -> storage (messages consumed), busiest sample interval: %.0f spans/s\n", bc }' \
  $B/ingester-samples.txt
kill $(cat $B/ingester.pid) $(cat $B/kafka.pid)
