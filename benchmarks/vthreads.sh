#!/usr/bin/env bash
# Issue 16's benchmarks (not CI): niotls's blocking TlsChannel on virtual threads against the JDK's
# SSLSocket on virtual threads (same JDK provider, key, protocol, suites and client), with
# niotls's TlsServer on its selector loop for reference; idle memory per connection at 10,000
# connections, full handshakes/s and 16 KiB echo MB/s, in one run, rounds interleaved. See
# io.niotls.bench.loop.VirtualThreadBench and benchmarks/results/VTHREADS.md.
#
#   benchmarks/vthreads.sh [VirtualThreadBench options...]     e.g. --rounds 5 --buffer 1024
#
# The server JVMs need Java 21+: JAVA21=/path/to/jdk/bin/java names one (default: the newest
# JDK 21+ under /usr/lib/jvm). JAVA=/path/to/java picks the JVM of the clients (any, 17 is fine).
set -euo pipefail
cd "$(dirname "$0")/.."

# 10,000 idle connections hold 10,000 descriptors in a server JVM and as many in its client's
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
mvn -B -q -pl benchmarks -am package -DskipTests
java=${JAVA:-java}
jvm=()
if [ -n "${JAVA21:-}" ]; then
  jvm+=("-Dniotls.bench.java=$JAVA21")
fi
echo "vthreads: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" "${jvm[@]}" -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.VirtualThreadBench "$@"
