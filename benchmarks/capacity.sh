#!/usr/bin/env bash
# Capacity run (not CI): opens N concurrent established TLS sessions on this one machine, client
# and server both here, and reports the server's memory per idle session for niotls's TlsServer
# and for a Netty server with SslHandler (io.niotls.bench.loop.IdleMemory: server and client in
# separate JVMs; see its javadoc for how heap and native memory are read).
#
#   benchmarks/capacity.sh [sessions] [providers]      defaults: 100000 JDK,OPENSSL
#
# Each session costs the server one file descriptor and the client another (separate processes),
# so the run raises the soft descriptor limit to the hard one and, where the hard limit is too low
# and cannot be raised (that needs root with CAP_SYS_RESOURCE), lowers N to what fits and says so.
# One client address can reach one server address from at most the ephemeral port range
# (/proc/sys/net/ipv4/ip_local_port_range), so the servers listen on as many 127.0.0.x addresses
# as N needs; all of 127/8 is loopback on Linux, nothing needs configuring.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions=${1:-100000}
providers=${2:-JDK,OPENSSL}
reserve=100 # descriptors a JVM needs besides its sessions (about 15: jars, libraries, selectors)

want=$((sessions + reserve))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  if ulimit -Hn "$want" 2>/dev/null || prlimit --pid $$ --nofile="$want:$want" 2>/dev/null; then
    hard=$(ulimit -Hn)
  fi
fi
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  capped=$((hard - reserve))
  echo "capacity: the hard limit on open files is $hard and cannot be raised here (it needs" \
    "CAP_SYS_RESOURCE), so each process can hold about $capped sessions, not $sessions;" \
    "running with $capped" >&2
  sessions=$capped
fi
ulimit -Sn "$hard"

read -r low high </proc/sys/net/ipv4/ip_local_port_range
per_address=$((high - low - 1000))
addresses=$(((sessions + per_address - 1) / per_address))
hosts=127.0.0.1
for ((i = 2; i <= addresses; i++)); do
  hosts="$hosts,127.0.0.$i"
done

# Heap: room for ~20 KiB per session (the JDK engine's sessions take ~7 KiB) plus a base.
heap_mb=$((256 + sessions * 20 / 1024))
mem_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
echo "capacity: $sessions sessions over $addresses address(es) ($hosts), open files $(ulimit -Sn)," \
  "server heap ${heap_mb} MiB, $((mem_kb / 1024)) MiB available," \
  "somaxconn $(cat /proc/sys/net/core/somaxconn)"

mvn -B -q -pl benchmarks -am package -DskipTests
java=${JAVA:-java}
start=$(date +%s)
"$java" -Xmx2g -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.IdleMemory \
  --sessions "$sessions" --providers "$providers" --hosts "$hosts" \
  --heap "${heap_mb}m" --client-heap "${heap_mb}m" --warmup 1000 --in-flight 500
echo "capacity: done in $(($(date +%s) - start)) s"
