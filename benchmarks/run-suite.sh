#!/usr/bin/env bash
# Builds the reactor up to the benchmarks module (no install: nothing leaves this checkout) and runs one suite:
#   benchmarks/run-suite.sh --suite ingest [flags]     (or e2e, or topology; --help after the suite lists flags)
# The services run from their packaged jars (<module>/target/<module>-<version>.jar) in child JVMs.
# Set SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp_file=benchmarks/target/suite.classpath
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$cp_file" ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$root/$cp_file" -Dmdep.includeScope=runtime >/dev/null
fi
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "benchmarks/target/classes:$(cat "$cp_file")" \
  io.paywatch.benchmarks.TopologyThroughput "$@"
