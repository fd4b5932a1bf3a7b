#!/usr/bin/env bash
# Summarises the CPU samples (jdk.ExecutionSample) of a JFR recording:
#   benchmarks/jfr-top.sh recording.jfr [N]
# prints the N [25] hottest top frames (self time) and the N frames most often on the stack (inclusive time),
# each as a share of all samples. Used to profile the invoice-producer under --suite ingest (README, Performance).
set -euo pipefail
file="$1"; n="${2:-25}"
jfr print --events jdk.ExecutionSample --stack-depth 64 "$file" | awk -v n="$n" '
  /jdk.ExecutionSample/ { samples++; first = 1; delete seen; next }
  /^[[:space:]]+[a-zA-Z_$][a-zA-Z0-9_$.]*\(.*line:/ {
    frame = $1; sub(/\(.*/, "", frame)
    if (first) { self[frame]++; first = 0 }
    if (!(frame in seen)) { seen[frame] = 1; incl[frame]++ }
  }
  END {
    printf "%d samples\n\nself (top frame)\n", samples
    for (f in self) printf "%6.1f%%  %s\n", 100 * self[f] / samples, f | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\ninclusive (on the stack)\n"
    for (f in incl) printf "%6.1f%%  %s\n", 100 * incl[f] / samples, f | "sort -rn | head -" n
  }'
