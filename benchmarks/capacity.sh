#!/usr/bin/env bash
# Capacity run (not CI): N concurrent established TLS sessions on this one machine, client and
# server both here, all open at the same moment, and the servers' memory per idle session for
# niotls's TlsServer and for a Netty server with SslHandler (io.niotls.bench.loop.Capacity, which
# reads memory as io.niotls.bench.loop.IdleMemory does: server and client in separate JVMs).
#
#   benchmarks/capacity.sh [sessions] [providers]      defaults: 100000 OPENSSL,JDK
#
# Each session costs a server one file descriptor and a client another. A process may hold no more
# than the hard limit on open files, which only root with CAP_SYS_RESOURCE can raise, so the
# sessions are spread over as many server processes (each with its own client process and its own
# 127.0.0.x address, so no client runs out of ephemeral ports) as that limit needs; every shard is
# opened before any is measured. All of 127/8 is loopback on Linux: nothing needs configuring.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions=${1:-100000}
providers=${2:-OPENSSL,JDK}
reserve=200 # descriptors a JVM needs besides its sessions (about 15: jars, libraries, selectors)

hard=$(ulimit -Hn)
ulimit -Sn "$hard"
read -r low high </proc/sys/net/ipv4/ip_local_port_range
per_process=$((high - low - 1000)) # one client address to one server address
if [ "$hard" != unlimited ] && [ $((hard - reserve)) -lt "$per_process" ]; then
  per_process=$((hard - reserve))
fi
shards=$(((sessions + per_process - 1) / per_process))
per_process=$(((sessions + shards - 1) / shards)) # even shards
mem_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
echo "capacity: $sessions sessions in $shards process(es) of $per_process (open files $hard per" \
  "process), $((mem_kb / 1024)) MiB available, somaxconn $(cat /proc/sys/net/core/somaxconn)"

mvn -B -q -pl benchmarks -am package -DskipTests
java=${JAVA:-java}
start=$(date +%s)
"$java" -Xmx512m -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.Capacity \
  --sessions "$sessions" --per-process "$per_process" --providers "$providers"
echo "capacity: done in $(($(date +%s) - start)) s"
