#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Hottest methods of a JFR recording: top frames of the execution samples, the same grouped by thread name, our
# hottest frames anywhere in the stack, and the hot paths (top frame <- the first of our frames under it, the code of
# ours that led there; scripts/bench.py --jfr keeps the top three of each point in docs/profiles/<point>.txt).
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
echo "--- hot paths: top frame <- the first jaegerj frame under it (share of all samples)"
awk -v total="$total" '/stackTrace = \[/ { inst = 1; n = 0; next }
  inst && /^ *\]/ { inst = 0
    if (n > 0) { k = top[1]; for (i = 1; i <= n; i++) if (top[i] ~ /^io\.jaegerj\./) { if (i > 1) k = top[1] " <- " top[i]; break }
                 c[k]++ }
    next }
  inst && !/^ *\.\.\./ { x = $0; sub(/^ +/, "", x); sub(/ +line:.*/, "", x); top[++n] = x }
  END { for (k in c) printf "%d %.1f%% %s\n", c[k], 100 * c[k] / (total > 0 ? total : 1), k }' "$samples" \
  | sort -rn | head -"$n" | cut -d' ' -f2-
