#!/usr/bin/env bash
# Builds the JMH jar, runs the benchmarks, writes JMH's JSON to benchmarks/results/ and prints
# the niotls / peer ratios measured in that same run.
#
#   benchmarks/run.sh quick [jmh args...]   1 fork, 2 x 2 s warmup, 3 x 2 s measurement
#   benchmarks/run.sh full  [jmh args...]   3 forks, 5 x 2 s warmup, 5 x 2 s measurement
#   benchmarks/run.sh smoke [jmh args...]   1 fork, one 100 ms iteration, no warmup: CI runs
#                                           this so no benchmark rots; its numbers mean nothing
#
# Extra arguments go to JMH, e.g. a benchmark regex and profilers:
#   benchmarks/run.sh quick 'Handshake' -p provider=OPENSSL -prof gc
# JAVA=/path/to/java picks the JVM that runs (and forks) the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  quick) opts=(-f 1 -wi 2 -w 2s -i 3 -r 2s) ;;
  full) opts=(-f 3 -wi 5 -w 2s -i 5 -r 2s) ;;
  smoke) opts=(-f 1 -wi 0 -i 1 -r 100ms) ;;
  *)
    echo "usage: $0 quick|full|smoke [jmh args...]" >&2
    exit 2
    ;;
esac
shift

java=${JAVA:-java}
jar=benchmarks/target/benchmarks.jar
mvn -B -q -pl benchmarks -am package -DskipTests

mkdir -p benchmarks/results
out="benchmarks/results/$mode-$(date +%Y%m%d-%H%M%S).json"
"$java" -jar "$jar" "${opts[@]}" -rf json -rff "$out" "$@"

echo
if [ "$mode" = smoke ]; then
  echo "== smoke run: every benchmark ran; no warmup and 100 ms each, so these are not measurements"
fi
echo "== niotls / peer, same run ($("$java" -version 2>&1 | head -n 1); $(nproc) cpus) -> $out"
"$java" -cp "$jar" io.niotls.bench.report.Ratios "$out" | tee "${out%.json}.txt"
