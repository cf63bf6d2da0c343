#!/usr/bin/env bash
# Issue 13's loopback comparison (not CI; the lead runs it): niotls's TlsServer on BORINGSSL (the
# direct driver) against a Netty server with SslHandler on Netty's OpenSSL engine, in one run:
# memory per idle session at 10,000 sessions (heap + native, each server alone in its JVM) and
# server CPU per full handshake over loopback (both servers loaded in rotating turns).
# io.niotls.bench.loop.DirectVsNetty prints a Markdown table with the ratios and the targets; the
# output is kept in benchmarks/results/runs/ (not committed).
#
#   benchmarks/direct-vs-netty.sh [--sessions 10000] [--protocol TLSv1.3] [--rounds 30] ...
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results/runs
out="benchmarks/results/runs/direct-vs-netty-$(date -u +%Y%m%dT%H%M%SZ).txt"
java=${JAVA:-java}
"$java" -Xmx1g -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.DirectVsNetty "$@" \
  | tee "$out"
echo "direct-vs-netty: kept in $out"
