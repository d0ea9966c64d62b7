#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Hottest methods of a JFR recording: top frames of the execution samples, and the same grouped by thread name.
# Usage: scripts/jfr-top.sh recording.jfr [N]
set -euo pipefail
f=$1
n=${2:-25}
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
jfr print --stack-depth 64 --events jdk.ExecutionSample "$f" >"$samples"
total=$(grep -c 'jdk.ExecutionSample' "$samples" || true)
echo "execution samples: $total"
echo "--- top frames"
awk '/stackTrace = \[/ { getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); c[$0]++ } END { for (k in c) print c[k], k }' \
  "$samples" | sort -rn | head -"$n"
echo "--- samples by thread (name without trailing numbers)"
awk -F'"' '/sampledThread = / { t = $2; gsub(/[-#]?[0-9]+$/, "", t); c[t]++ } END { for (k in c) print c[k], k }' \
  "$samples" | sort -rn | head -15
echo "--- hottest jaegerj frames anywhere in the stack (inclusive)"
awk '/stackTrace = \[/ { inst = 1; delete seen; next } inst && /^ *\]/ { inst = 0; next }
  inst && /io\.jaegerj\./ { x = $0; sub(/^ +/, "", x); sub(/ +line:.*/, "", x); if (!(x in seen)) { seen[x] = 1; c[x]++ } }
  END { for (k in c) print c[k], k }' "$samples" | sort -rn | head -"$n"
