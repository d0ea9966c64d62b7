#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Prints the CQL of Jaeger's Cassandra schema (v004) for piping into cqlsh, with the environment of Jaeger's
# create.sh:  MODE=test sh create.sh | cqlsh
# Optional argument: the path of a template to use instead of v004.cql.tmpl next to this script.
set -eu

usage() {
  cat >&2 <<USAGE
$1

usage: MODE=(prod|test) [DATACENTER=dc] [KEYSPACE=ks] [REPLICATION_FACTOR=n] [REPLICATION="{...}"]
       [TRACE_TTL=seconds] [DEPENDENCIES_TTL=seconds] [COMPACTION_WINDOW=<n>(m|h|d)] [VERSION=4] $0 [template]

  MODE                prod: NetworkTopologyStrategy (DATACENTER required), test: SimpleStrategy
  DATACENTER          data center name (prod: required unless REPLICATION is set; test: default 'test')
  KEYSPACE            keyspace (default jaeger_v1_<DATACENTER>); letters, digits and '_' only
  REPLICATION_FACTOR  replicas (default 2 in prod, 1 in test)
  REPLICATION         full replication map, overrides DATACENTER and REPLICATION_FACTOR
  TRACE_TTL           default TTL of span and index tables in seconds (default 172800 = 2 days)
  DEPENDENCIES_TTL    default TTL of dependencies_v2 in seconds (default 0 = none)
  COMPACTION_WINDOW   time window of the traces table, e.g. 96m, 2h, 1d (default: TRACE_TTL/30 in minutes)
  VERSION             schema version: 4 (Cassandra 4.x/5.x; 5 means 4)
USAGE
  exit 1
}

MODE=${MODE:-}
case "$MODE" in
  prod)
    if [ -z "${REPLICATION:-}" ] && [ -z "${DATACENTER:-}" ]; then
      usage "missing DATACENTER parameter for prod mode"
    fi
    datacenter=${DATACENTER:-}
    replication_factor=${REPLICATION_FACTOR:-2}
    replication=${REPLICATION:-"{'class': 'NetworkTopologyStrategy', '$datacenter': '$replication_factor' }"}
    ;;
  test)
    datacenter=${DATACENTER:-test}
    replication_factor=${REPLICATION_FACTOR:-1}
    replication=${REPLICATION:-"{'class': 'SimpleStrategy', 'replication_factor': '$replication_factor'}"}
    ;;
  *)
    usage "missing MODE parameter (prod or test)"
    ;;
esac

trace_ttl=${TRACE_TTL:-172800}
dependencies_ttl=${DEPENDENCIES_TTL:-0}
keyspace=${KEYSPACE:-"jaeger_v1_${datacenter}"}
case "$trace_ttl$dependencies_ttl" in
  *[!0-9]*) usage "TRACE_TTL and DEPENDENCIES_TTL must be whole seconds" ;;
esac
if ! echo "$keyspace" | grep -Eq '^[a-zA-Z0-9_]+$'; then
  usage "invalid characters in KEYSPACE=$keyspace parameter, please use letters, digits or underscores"
fi

if [ -n "${COMPACTION_WINDOW:-}" ]; then
  if ! echo "$COMPACTION_WINDOW" | grep -Eq '^[0-9]+[mhd]$'; then
    usage "invalid COMPACTION_WINDOW=$COMPACTION_WINDOW, expected a number followed by m, h or d"
  fi
  compaction_window_size=$(echo "$COMPACTION_WINDOW" | sed 's/[mhd]$//')
  case "$COMPACTION_WINDOW" in
    *m) compaction_window_unit=MINUTES ;;
    *h) compaction_window_unit=HOURS ;;
    *d) compaction_window_unit=DAYS ;;
  esac
else
  # about 30 windows per TTL, rounded up to whole minutes
  compaction_window_size=$(( (trace_ttl + 1799) / 1800 ))
  compaction_window_unit=MINUTES
fi

version=$(echo "${VERSION:-4}" | tr -cd '0-9')
dir=$(dirname "$0")
if [ $# -gt 0 ]; then
  template=$1
else
  case "$version" in
    4|5) template="$dir/v004.cql.tmpl" ;;
    *) usage "unsupported VERSION=${VERSION:-}: this tool provides schema v004 (Cassandra 4.x and 5.x)" ;;
  esac
fi

>&2 cat <<INFO
Using template file $template with parameters:
    mode = $MODE
    datacenter = $datacenter
    keyspace = $keyspace
    replication = $replication
    trace_ttl = $trace_ttl
    dependencies_ttl = $dependencies_ttl
    compaction_window_size = $compaction_window_size
    compaction_window_unit = $compaction_window_unit
INFO

# drop comments, fill the placeholders, squeeze blank lines
sed -e 's/--.*$//g' \
    -e "s/\${keyspace}/$keyspace/g" \
    -e "s/\${replication}/$replication/g" \
    -e "s/\${trace_ttl}/$trace_ttl/g" \
    -e "s/\${dependencies_ttl}/$dependencies_ttl/g" \
    -e "s/\${compaction_window_size}/$compaction_window_size/g" \
    -e "s/\${compaction_window_unit}/$compaction_window_unit/g" "$template" | cat -s
