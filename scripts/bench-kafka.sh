#!/bin/bash
# One command: BUILD=1 DUR=20 REPEATS=3 scripts/bench-kafka.sh
#   BUILD=1 first runs ./mvnw -o -B -q -pl collector,ingester,loadgen -am package -DskipTests; the Kafka broker's
#   classpath (storage-kafka/target/servers/kafka.classpath, written by the storage-kafka tests) is resolved here
#   with mvn from the throw-away pom storage-kafka/src/test/servers/kafka/pom.xml when it is missing.
# Kafka benchmark: broker (child JVM) + collector(kafka, acknowledge=stored) + loadgen, then ingester(memory).
# Phases (issue 13's aim is that Kafka is not the bottleneck before storage, so each side is measured on its own
# rather than with the consumer competing for the same two cores):
#   1. warm-up run of WARM seconds (default 20) so that JIT compilation is not counted;
#   2. REPEATS (default 3) collector phases of DUR seconds (default 20) with NO consumer running: collector -> Kafka
#      spans/s (the load generator's accepted spans; with acknowledge=stored a span is accepted once Kafka
#      acknowledged it), CPU (user + system from /proc/PID/stat) of the collector and the broker per span Kafka
#      acknowledged, and "other load": CPU (cores) used during the phase by every process except the collector,
#      the broker and the load generator (/proc/stat busy time minus theirs);
#   3. drain: the ingester's consumer group is set to the topic's end offsets just before the LAST repeat, and the
#      ingester is started only after the collector phases: ingester -> storage spans/s from its messages counter
#      between the first consumed message and lag 0 (ingester CPU per span too);
#   4. optional mixed phase (MIXED seconds, default 0): load while the ingester consumes, consumer lag every ~1 s.
# Output: per-phase details, then a markdown table (stable columns; new ones go at the END only), the median row last.
# Knobs: DUR, REPEATS, WARM, MIXED, INFLIGHT (32), BENCH_DIR, COLLECTOR_JAR (another collector build to compare,
#   default the reactor's), COLLECTOR_JVM (extra JVM options of the collector, e.g.
#   -XX:StartFlightRecording=filename=/tmp/c.jfr for scripts/jfr-top.sh).
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
rm -rf $B/data $B/*.pid; mkdir -p $B/data
# every process this script started dies with it, also on Ctrl-C or an error
trap 'for f in $B/*.pid; do kill $(cat $f) 2>/dev/null; done' EXIT
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
# commits the topic's current end offsets for the ingester's group (a new group starts at the newest offset, as
# Jaeger's, so the drain phase needs committed offsets to start from); prints their sum
cat > $B/CommitEnd.java <<'J'
import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.TopicPartition;
public class CommitEnd {
  public static void main(String[] a) {
    Properties p = new Properties();
    p.put("bootstrap.servers", a[0]);
    p.put("group.id", a[1]);
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(a[2]).forEach(i -> tps.add(new TopicPartition(a[2], i.partition())));
      Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
      c.endOffsets(tps).forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
      c.commitSync(m);
      System.out.println(m.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
    }
  }
}
J
SPAN_STORAGE_TYPE=kafka java ${COLLECTOR_JVM:-} -Xmx1g -jar ${COLLECTOR_JAR:-$W/collector/target/collector-0.1.0-SNAPSHOT-exec.jar} \
  --kafka.producer.brokers=127.0.0.1:$KP --collector.acknowledge=stored \
  --agent.http-server.host-port=127.0.0.1:$(free) --processor.jaeger-compact.server-host-port=127.0.0.1:$(free) \
  --processor.jaeger-binary.server-host-port=127.0.0.1:$(free) \
  --processor.zipkin-compact.server-host-port=127.0.0.1:$(free) \
  --collector.otlp.http.host-port=127.0.0.1:$OH --collector.otlp.grpc.host-port=127.0.0.1:$OG \
  --collector.grpc-server.host-port=127.0.0.1:$GR --collector.http-server.host-port=127.0.0.1:$TH \
  --admin.http.host-port=127.0.0.1:$AD --log-level=warn > $B/collector.log 2>&1 &
echo $! > $B/collector.pid
for i in $(seq 1 240); do curl -sf 127.0.0.1:$AD/ >/dev/null && break; sleep 0.5; done
echo "collector up"; uptime
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
now() { date +%s.%N; }
produced() { curl -s 127.0.0.1:$AD/metrics \
  | awk '/^jaeger_storage_kafka_spans_written_total\{.*status="success"/ {s+=$2} END {printf "%d", s}'; }
consumer() { curl -s 127.0.0.1:$IA/metrics | awk '/^jaeger_ingester_sarama_consumer_messages_total/ {m+=$2}
  /^jaeger_ingester_sarama_consumer_offset_lag/ {l+=$2} END {printf "%d %d", m, l}'; }
HZ=$(getconf CLK_TCK)
load() { java -jar $W/loadgen/target/loadgen.jar --protocol otlp-http --endpoint http://127.0.0.1:$OH/v1/traces \
  --duration $1 --warmup 0 --inflight ${INFLIGHT:-32} --check-traces 0 --trace-queries 0 --search-queries 0; }
if [ "${WARM:-20}" -gt 0 ]; then load ${WARM:-20} > $B/loadgen-warmup.txt 2>&1; fi
R=${REPEATS:-3}; DRAIN_FROM=0; : > $B/rows.txt
for r in $(seq 1 $R); do
  if [ $r = $R ]; then DRAIN_FROM=$(java -cp "$CP" $B/CommitEnd.java 127.0.0.1:$KP jaeger-ingester jaeger-spans 2> $B/commit.log); fi
  L=$(cut -d' ' -f1 /proc/loadavg)
  C0=$(ticks $(cat $B/collector.pid)); K0=$(ticks $(cat $B/kafka.pid)); P0=$(produced); U0=$(busy); T0=$(now)
  load ${DUR:-20} > $B/loadgen-$r.txt 2>&1
  C1=$(ticks $(cat $B/collector.pid)); K1=$(ticks $(cat $B/kafka.pid)); P1=$(produced); U1=$(busy); T1=$(now)
  echo "repeat $r:"; grep -E "^ingest: [0-9]+ spans/s|generator itself" $B/loadgen-$r.txt
  rate=$(sed -n 's/^RESULT .*spans_per_sec=\([0-9.]*\).*/\1/p' $B/loadgen-$r.txt)
  gen=$(sed -n 's/^RESULT .*generator_cpu_s=\([0-9.]*\).*/\1/p' $B/loadgen-$r.txt)
  awk -v r=$r -v rate=${rate:-0} -v c=$((C1 - C0)) -v k=$((K1 - K0)) -v u=$((U1 - U0)) -v n=$((P1 - P0)) \
    -v g=${gen:-0} -v t0=$T0 -v t1=$T1 -v hz=$HZ -v l=$L 'BEGIN { if (n <= 0) n = 1
      o = ((u - c - k) / hz - g) / (t1 - t0); if (o < 0) o = 0
      printf "%s %.0f %.2f %.2f %.2f %d %s\n", r, rate, c / hz * 1e6 / n, k / hz * 1e6 / n, o, n, l }' >> $B/rows.txt
done
TARGET=$(( $(produced) - DRAIN_FROM ))
curl -s 127.0.0.1:$AD/metrics | grep -E "^jaeger_storage_kafka_spans_written"
[ "${MIXED:-0}" -gt 0 ] || kill $(cat $B/collector.pid)
# drain: the ingester starts now, from the offsets committed before the last repeat
SPAN_STORAGE_TYPE=memory java -Xmx1500m -jar $W/ingester/target/ingester-0.1.0-SNAPSHOT-exec.jar \
  --kafka.consumer.brokers=127.0.0.1:$KP --admin.http.host-port=127.0.0.1:$IA --memory.max-traces=50000 \
  --log-level=warn > $B/ingester.log 2>&1 &
echo $! > $B/ingester.pid
for i in $(seq 1 240); do curl -sf 127.0.0.1:$IA/ >/dev/null && break; sleep 0.5; done
echo "ingester up, draining $TARGET spans"
I0=$(ticks $(cat $B/ingester.pid)); : > $B/drain-samples.txt; DRAIN=0; TZ=$(now); TS=""; MS=0
DEADLINE=$(( $(date +%s) + 300 ))
# samples every ~0.25 s; the rate runs from the first sample with messages consumed (or, when the whole drain fell
# between two samples, from the last sample without) to the first with everything consumed and lag 0
while [ $(date +%s) -lt $DEADLINE ]; do
  read m lag <<< "$(consumer)"; t=$(now)
  if [ "${m:-0}" = 0 ]; then TZ=$t; elif [ -z "$TS" ]; then TS=$t; MS=$m; fi
  echo "$t $m $lag" >> $B/drain-samples.txt
  if [ "${m:-0}" -ge $TARGET ] && [ "${lag:-1}" = 0 ]; then
    I1=$(ticks $(cat $B/ingester.pid))
    [ "$TS" = "$t" ] && { TS=$TZ; MS=0; }
    DRAIN=$(awk -v a=$TS -v b=$t -v m0=$MS -v m=$m 'BEGIN { printf "%.0f", (b > a ? (m - m0) / (b - a) : 0) }')
    ICPU=$(awk -v i=$((I1 - I0)) -v hz=$HZ -v m=$m 'BEGIN { printf "%.2f", i / hz * 1e6 / m }')
    echo "ingester -> memory storage: $m spans consumed, $DRAIN spans/s from the first message to lag 0, ingester CPU $ICPU us/span"
    break
  fi
  sleep 0.25
done
[ "$DRAIN" = 0 ] && { echo "drain did not reach $TARGET spans and lag 0 in 300 s:"; tail -3 $B/drain-samples.txt; }
if [ "${MIXED:-0}" -gt 0 ]; then
  echo "mixed phase: ${MIXED} s of load while the ingester consumes (t s: consumed, lag)"
  ( t0=$(date +%s); while kill -0 $(cat $B/ingester.pid) 2>/dev/null; do
      echo "$(( $(date +%s) - t0 )) s: $(consumer)"; sleep 1; done ) > $B/mixed-samples.txt &
  SP=$!
  load ${MIXED} > $B/loadgen-mixed.txt 2>&1
  grep -E "^ingest: [0-9]+ spans/s" $B/loadgen-mixed.txt
  for i in $(seq 1 120); do read m lag <<< "$(consumer)"; [ "$lag" = 0 ] && break; sleep 1; done
  kill $SP; cat $B/mixed-samples.txt; kill $(cat $B/collector.pid)
fi
uptime
kill $(cat $B/ingester.pid) $(cat $B/kafka.pid)
echo
echo "| repeat | collector -> Kafka spans/s | collector CPU us/span | broker CPU us/span | ingester drain spans/s | other load (cores) | spans acked by Kafka | load avg 1m | ingester CPU us/span |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
awk -v R=$R -v d=$DRAIN -v ic=${ICPU:--} 'function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { n++; s[n] = $2; c[n] = $3; k[n] = $4; o[n] = $5; a[n] = $6; l[n] = $7
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, ($1 == R ? d : "-"), $5, $6, $7,
      ($1 == R ? ic : "-") }
  END { printf "| median | %.0f | %.2f | %.2f | %s | %.2f | %.0f | %s | %s |\n", med(s, n), med(c, n), med(k, n), d,
          med(o, n), med(a, n), med(l, n), ic }' $B/rows.txt
