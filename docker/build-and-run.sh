#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds every jaegerj image with podman on a base image made from Debian packages (no Docker engine, no registry),
# starts each container, checks its health check, and runs one ingest -> query round trip through the all-in-one
# container started with the seed's `docker run` flags translated to podman.
#
# Usage (as root, from anywhere):  docker/build-and-run.sh
# Environment:
#   SKIP_MAVEN=1        use the jars already in */target (default: package the modules that exist, tests skipped)
#   BASE_CACHE=dir      where the debootstrap root file system is kept (default /var/cache/jaegerj-base)
#   DEBIAN_MIRROR=url   (default http://deb.debian.org/debian)
#   FIXED_PORTS=1       publish the seed's host ports (-p 16686:16686 ...) instead of free ephemeral host ports;
#                       the default avoids clashing with a Jaeger already running on this host
#   KEEP=1              leave the containers running at the end
#   ONLY="a b"          build and run only these images (names as in the IMAGES table below)
#
#   OCI_RUNTIME=crun|runc  (default: the first that can start a container here; crun refuses hosts whose cgroup v2
#                       hierarchy is mounted beside v1 with a controller enabled ("hybrid mode"), runc accepts them)
#
# Needs: podman, buildah (podman build uses it), debootstrap, curl, and runc on hybrid-cgroup hosts; Debian packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VERSION=0.1.0-SNAPSHOT
BASE_CACHE="${BASE_CACHE:-/var/cache/jaegerj-base}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_IMAGE=localhost/jaegerj-base:bookworm-jre17
PREFIX="jaegerj-check-$$"
FAILED=()
SKIPPED=()
T0=$SECONDS

# image | Dockerfile dir | jar | admin port ("" = one-shot job) | probe command for jobs
IMAGES=(
  "all-in-one|all-in-one|all-in-one/target/all-in-one-$VERSION-exec.jar|14269"
  "jaeger-collector|jaeger-collector|collector/target/collector-$VERSION-exec.jar|14269"
  "jaeger-query|jaeger-query|query/target/query-$VERSION-exec.jar|16687"
  "jaeger-ingester|jaeger-ingester|ingester/target/ingester-$VERSION-exec.jar|14270"
  "jaeger-remote-storage|jaeger-remote-storage|remote-storage/target/remote-storage-$VERSION-exec.jar|17270"
  "jaeger-es-index-cleaner|jaeger-es-index-cleaner|storage-elasticsearch/target/storage-elasticsearch-$VERSION-exec.jar|"
  "jaeger-es-rollover|jaeger-es-rollover|storage-elasticsearch/target/storage-elasticsearch-$VERSION-exec.jar|"
  "jaeger-cassandra-schema|jaeger-cassandra-schema|storage-cassandra/target/storage-cassandra-$VERSION-exec.jar|"
)

log() { printf '[%4ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { log "FAIL: $*"; exit 1; }
wanted() { [[ -z "${ONLY:-}" || " $ONLY " == *" $1 "* ]]; }

cleanup() {
  if [[ "${KEEP:-}" != 1 ]]; then
    # every container this run started carries its unique name prefix
    for c in $(podman ps -a --format '{{.Names}}' | grep "^$PREFIX-" || true); do
      podman rm -f -t 2 "$c" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT

for tool in podman debootstrap curl; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install podman buildah debootstrap curl)"
done
[[ $(id -u) == 0 ]] || die "run as root: this script uses rootful podman and debootstrap"

# 1. Jars ---------------------------------------------------------------------------------------------------------
if [[ "${SKIP_MAVEN:-}" != 1 ]]; then
  modules=all-in-one,collector,query,storage-elasticsearch
  for m in ingester remote-storage storage-cassandra; do [[ -f $m/pom.xml ]] && modules="$modules,$m"; done
  log "packaging $modules (tests skipped)"
  ./mvnw -B -q -o -DskipTests package -pl "$modules" -am
fi

# 2. Base image from Debian packages (cached: the root file system in $BASE_CACHE, the image in podman's store) -----
if podman image exists "$BASE_IMAGE"; then
  log "base image $BASE_IMAGE already built"
else
  if [[ ! -f "$BASE_CACHE/rootfs/.complete" ]]; then
    log "debootstrap bookworm + openjdk-17-jre-headless into $BASE_CACHE/rootfs (a few minutes, once)"
    rm -rf "$BASE_CACHE/rootfs"
    mkdir -p "$BASE_CACHE"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm \
      "$BASE_CACHE/rootfs" "$DEBIAN_MIRROR" > "$BASE_CACHE/debootstrap.log" 2>&1 \
      || die "debootstrap failed, see $BASE_CACHE/debootstrap.log"
    chroot "$BASE_CACHE/rootfs" apt-get clean
    rm -rf "$BASE_CACHE/rootfs/var/lib/apt/lists/"* "$BASE_CACHE/rootfs/usr/share/doc" "$BASE_CACHE/rootfs/usr/share/man"
    touch "$BASE_CACHE/rootfs/.complete"
  fi
  log "importing the root file system as $BASE_IMAGE"
  tar --exclude=./.complete --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -C "$BASE_CACHE/rootfs" -c . \
    | podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
fi

# podman's default ulimits (nofile 1048576, nproc 4194304) exceed what an unprivileged sandbox or CI runner may
# raise to: ask for the host's hard limits (capped) instead.
hard_nofile=$(ulimit -Hn); [[ $hard_nofile == unlimited || $hard_nofile -gt 65536 ]] && hard_nofile=65536
hard_nproc=$(ulimit -Hu); [[ $hard_nproc == unlimited || $hard_nproc -gt 32768 ]] && hard_nproc=32768
ULIMITS=(--ulimit "nofile=$hard_nofile:$hard_nofile" --ulimit "nproc=$hard_nproc:$hard_nproc")
if [[ -z "${OCI_RUNTIME:-}" ]]; then
  for rt in crun runc; do
    command -v "$rt" >/dev/null || continue
    if podman --runtime "$rt" run --rm --network none "${ULIMITS[@]}" "$BASE_IMAGE" true >/dev/null 2>&1; then
      OCI_RUNTIME=$rt
      break
    fi
  done
  [[ -n "${OCI_RUNTIME:-}" ]] || die "neither crun nor runc can start a container here (try: apt-get install runc)"
fi
PODMAN=(podman --runtime "$OCI_RUNTIME")
RUN=("${PODMAN[@]}" run "${ULIMITS[@]}")
jv=$("${RUN[@]}" --rm --network none "$BASE_IMAGE" java -version 2>&1) || die "java does not run in $BASE_IMAGE: $jv"
log "base image runs (${OCI_RUNTIME}): ${jv%%$'\n'*}"

# 3. Images (release and -debug of each) ------------------------------------------------------------------------------
BUILT=()
for row in "${IMAGES[@]}"; do
  IFS='|' read -r name dir jar admin <<<"$row"
  wanted "$name" || continue
  if [[ ! -f "$jar" ]]; then
    log "SKIP $name: $jar not found (its module is not in this tree or was not built)"
    SKIPPED+=("$name")
    continue
  fi
  for target in release debug; do
    tag="jaegerj/$name:latest"
    [[ $target == debug ]] && tag="jaegerj/$name-debug:latest"
    log "build $tag"
    "${PODMAN[@]}" build -q --format docker --network none "${ULIMITS[@]}" --target "$target" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
      -f "docker/$dir/Dockerfile" -t "$tag" . >/dev/null || die "build of $tag failed"
  done
  BUILT+=("$name")
done

# Seed flags -> podman: the host side of every -p is an ephemeral port on 127.0.0.1 unless FIXED_PORTS=1.
publish() {
  local spec=$1 port=${1%%/*}
  if [[ "${FIXED_PORTS:-}" == 1 ]]; then echo "--publish=$port:$spec"; else echo "--publish=127.0.0.1::$spec"; fi
}
hostport() { podman port "$1" "$2" | sed -n '1s/.*://p'; }

# Polls the image's own HEALTHCHECK (the binary's `status` command) until healthy or the deadline.
await_healthy() {
  local c=$1 deadline=$((SECONDS + ${2:-120}))
  while ((SECONDS < deadline)); do
    if [[ "$(podman inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" != true ]]; then
      podman logs --tail 20 "$c" >&2 || true
      return 1
    fi
    if podman healthcheck run "$c" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  podman logs --tail 20 "$c" >&2 || true
  return 1
}

run_server() { # name, extra podman args..., then -- binary args
  local name=$1; shift
  local c="$PREFIX-$name"
  # podman cannot schedule HEALTHCHECKs without systemd (it says so on stderr); we run them with `healthcheck run`.
  "${RUN[@]}" -d --name "$c" "$@" 2> >(grep -v 'systemd connection' >&2) >/dev/null
  echo "$c"
}

check() { # description, command...
  local what=$1; shift
  if "$@"; then log "ok   $what"; else log "FAIL $what"; FAILED+=("$what"); fi
}

# 4. The all-in-one with the seed's docker run flags, then the round trip ------------------------------------------
has() { [[ " ${BUILT[*]} " == *" $1 "* ]]; }
if has all-in-one; then
  args=(-e COLLECTOR_OTLP_ENABLED=true -e COLLECTOR_ZIPKIN_HOST_PORT=:9411)
  for p in 5775/udp 6831/udp 6832/udp 5778 16686 14250 14268 14269 4317 4318 9411; do
    args+=("$(publish "$p")")
  done
  aio=$(run_server all-in-one "${args[@]}" --memory 1g jaegerj/all-in-one:latest)
  check "all-in-one healthy (podman healthcheck run -> status on :14269)" await_healthy "$aio"
  otlp=$(hostport "$aio" 4318/tcp); ui=$(hostport "$aio" 16686/tcp); zipkin=$(hostport "$aio" 9411/tcp)
  admin=$(hostport "$aio" 14269/tcp)
  trace=$(printf '%032x' "$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))")
  now=$(date +%s%N)
  body='{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"podman-otlp"}}]},
    "scopeSpans":[{"spans":[{"traceId":"'$trace'","spanId":"00000000000000a1","name":"roundtrip","kind":2,
    "startTimeUnixNano":"'$((now - 5000000))'","endTimeUnixNano":"'$now'"}]}]}]}'
  roundtrip() {
    curl -fsS -o /dev/null -H 'Content-Type: application/json' --data "$body" "http://127.0.0.1:$otlp/v1/traces" \
      || return 1
    local deadline=$((SECONDS + 30)) got
    while ((SECONDS < deadline)); do
      got=$(curl -fsS "http://127.0.0.1:$ui/api/traces/$trace" || true)
      if [[ "$got" == *'"operationName":"roundtrip"'* && "$got" == *'"serviceName":"podman-otlp"'* ]]; then return 0; fi
      sleep 0.5
    done
    echo "query answered: ${got:-nothing}" >&2
    return 1
  }
  check "OTLP/HTTP :4318 -> GET /api/traces/$trace on :16686" roundtrip
  ztrace=$(printf '%016x' "$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))")
  zipkin_roundtrip() {
    curl -fsS -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$zipkin/api/v2/spans" --data \
      '[{"traceId":"'$ztrace'","id":"'$ztrace'","name":"zipkin-op","timestamp":'$(($(date +%s%N) / 1000))',
        "duration":1000,"localEndpoint":{"serviceName":"podman-zipkin"}}]' || return 1
    local deadline=$((SECONDS + 30)) got
    while ((SECONDS < deadline)); do
      got=$(curl -fsS "http://127.0.0.1:$ui/api/services" || true)
      [[ "$got" == *podman-zipkin* ]] && return 0
      sleep 0.5
    done
    return 1
  }
  check "Zipkin :9411 (COLLECTOR_ZIPKIN_HOST_PORT=:9411) -> /api/services" zipkin_roundtrip
  check "admin :14269 serves /metrics" bash -c "curl -fsS http://127.0.0.1:$admin/metrics | grep -c '^jaeger_' >/dev/null"
  heap() { # the JVM honours the container memory limit: 75% of --memory 1g
    local vm
    vm=$(podman exec "$aio" sh -c 'java $JAVA_OPTS -XshowSettings:vm -version 2>&1')
    [[ "$vm" =~ Max\.\ Heap\ Size\ \(Estimated\):\ 7[0-9][0-9] ]] || { echo "$vm" >&2; return 1; }
  }
  check "JVM max heap follows --memory 1g (MaxRAMPercentage=75)" heap
  check "runs as uid 10001" bash -c "[[ \$(podman exec $aio id -u) == 10001 ]]"
  # The seed's Badger example: -v <storage_dir_on_host>:/badger, owned by the image's user.
  badger_dir=$(mktemp -d /tmp/jaegerj-badger.XXXXXX)
  chown 10001:10001 "$badger_dir"
  bdg=$(run_server badger -e SPAN_STORAGE_TYPE=badger -e BADGER_EPHEMERAL=false \
    -e BADGER_DIRECTORY_VALUE=/badger/data -e BADGER_DIRECTORY_KEY=/badger/key -v "$badger_dir:/badger" \
    "$(publish 16686)" jaegerj/all-in-one:latest)
  check "SPAN_STORAGE_TYPE=badger with the seed's BADGER_* variables and volume: healthy" await_healthy "$bdg"
  check "badger wrote its key and value directories on the host volume" \
    bash -c "[[ -d $badger_dir/key && -d $badger_dir/data ]]"
  podman rm -f -t 2 "$bdg" >/dev/null 2>&1 || true
  rm -rf "$badger_dir"
fi

# JDWP on the -debug variant: the debugger handshake must come back on 5005.
if has all-in-one; then
  dbg=$(run_server all-in-one-debug "$(publish 5005)" jaegerj/all-in-one-debug:latest)
  jdwp() {
    local port deadline=$((SECONDS + 60))
    port=$(hostport "$dbg" 5005/tcp)
    [[ -n "$port" ]] || return 1
    while ((SECONDS < deadline)); do
      if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
        printf 'JDWP-Handshake' >&3
        local reply
        reply=$(timeout 5 head -c 14 <&3 || true)
        exec 3<&- 3>&-
        [[ "$reply" == JDWP-Handshake ]] && return 0
      fi
      sleep 1
    done
    return 1
  }
  check "all-in-one-debug answers the JDWP handshake on 5005" jdwp
  check "all-in-one-debug healthy" await_healthy "$dbg"
fi

# 5. Every other server image with its health check -------------------------------------------------------------------
for row in "${IMAGES[@]}"; do
  IFS='|' read -r name dir jar admin <<<"$row"
  [[ $name == all-in-one ]] && continue
  has "$name" || continue
  if [[ -n "$admin" ]]; then
    env=(-e SPAN_STORAGE_TYPE=memory)
    [[ $name == jaeger-ingester ]] && env=(-e SPAN_STORAGE_TYPE=memory -e KAFKA_CONSUMER_BROKERS=127.0.0.1:9092)
    c=$(run_server "$name" "${env[@]}" "$(publish "$admin")" "jaegerj/$name:latest")
    check "$name healthy on :$admin" await_healthy "$c"
    check "$name --help lists its admin flag" bash -c \
      "${RUN[*]} --rm --network none ${env[*]} jaegerj/$name:latest --help | grep -c -- --admin.http.host-port >/dev/null"
  else
    # One-shot jobs: pointed at a closed port, the tool itself must run (on the base JRE, as uid 10001) and report
    # the refused connection; a launcher error (missing jar or main class) fails the check.
    case $name in
      jaeger-es-index-cleaner) job=(1 http://127.0.0.1:1); expect='Error: Connection refused' ;;
      jaeger-es-rollover) job=(init http://127.0.0.1:1); expect='Error: Connection refused' ;;
      *) job=(); expect='' ;;
    esac
    jobcheck() {
      local out
      out=$(timeout 120 "${RUN[@]}" --rm --network none -e CQLSH_HOST=127.0.0.1 -e MODE=test "jaegerj/$1:latest" \
        "${@:3}" 2>&1 || true)
      if [[ "$out" == *"Unable to access jarfile"* || "$out" == *"main manifest"* || "$out" == *"Could not find"* ]]
      then echo "$out" >&2; return 1; fi
      [[ -z "$2" || "$out" == *"$2"* ]] || { echo "$out" >&2; return 1; }
    }
    check "$name runs its tool (${job[*]:-no arguments})" jobcheck "$name" "$expect" "${job[@]}"
  fi
done

log "built: ${BUILT[*]:-none}"
[[ ${#SKIPPED[@]} -gt 0 ]] && log "skipped (jar missing): ${SKIPPED[*]}"
log "total $((SECONDS - T0))s"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  log "FAILED: ${FAILED[*]}"
  exit 1
fi
log "all checks passed"
