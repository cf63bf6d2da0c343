#!/usr/bin/env bash
# Issue 14's HTTP/2 comparison (not CI): Netty's documented HTTP/2 server behind niotls's handler
# and behind Netty's own SslHandler, same BoringSSL, judged by h2load (nghttp2-client); rounds
# alternate. See io.niotls.bench.loop.H2loadBench and benchmarks/results/H2LOAD.md.
#
#   benchmarks/h2load.sh [H2loadBench options...]     e.g. --rounds 7 --clients 50 --loops 2
#   benchmarks/h2load.sh --probe true --rounds 3      what each handler does per request (records,
#                                                     flushes, read events, syscalls via strace,
#                                                     allocation); prints it, leaves the page alone
set -euo pipefail
cd "$(dirname "$0")/.."
command -v h2load >/dev/null || { echo "h2load is needed: apt-get install nghttp2-client" >&2; exit 1; }
mvn -B -q -pl benchmarks -am package -DskipTests
echo "h2load bench: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "${JAVA:-java}" -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.H2loadBench \
  --out benchmarks/results/H2LOAD.md "$@"
