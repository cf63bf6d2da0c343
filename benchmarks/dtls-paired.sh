#!/usr/bin/env bash
# Issue 17's DTLS comparison (not CI): niotls's DatagramServer/DatagramClient against a hand-written
# SSLEngine DTLS loop on DatagramChannels, over loopback, interleaved block by block in one JVM.
# io.niotls.bench.dtls.PairedDtls prints the ratios with 95% confidence intervals; the output is
# kept in benchmarks/results/runs/ (not committed). About 2 minutes with the defaults.
#
#   benchmarks/dtls-paired.sh [--mode handshake,echo] [--warmup-s 30] [--blocks 80] [--ops 10]
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results/runs
out="benchmarks/results/runs/dtls-paired-$(date -u +%Y%m%dT%H%M%SZ).txt"
java=${JAVA:-java}
{
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core benchmarks || echo ' (modified)')"
  "$java" -Xmx1g -cp benchmarks/target/benchmarks.jar io.niotls.bench.dtls.PairedDtls "$@"
} | tee "$out"
echo "dtls-paired: kept in $out"
