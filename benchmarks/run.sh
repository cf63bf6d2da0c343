#!/usr/bin/env bash
# Builds the JMH jar, runs the benchmark suite, keeps JMH's JSON in benchmarks/results/runs/ and
# renders the results page: a table of every niotls / peer comparison measured in the same run,
# PNG charts, and the headline lines for the project README.
#
#   benchmarks/run.sh quick   about ten minutes on two cores; renders benchmarks/results/
#   benchmarks/run.sh full    more forks and iterations, every parameter; renders benchmarks/results/
#   benchmarks/run.sh smoke   every benchmark once, briefly, in one JVM, failing on the first error:
#                             CI runs it so none rots. Its numbers mean nothing; its page is
#                             rendered into the run directory only.
#
# Extra arguments run one JMH invocation with the mode's timing instead of the suite, e.g.
#   benchmarks/run.sh quick 'PairedHandshake' -p provider=OPENSSL -prof gc
# JAVA=/path/to/java picks the JVM that runs (and forks) the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  quick | full | smoke) ;;
  *)
    echo "usage: $0 quick|full|smoke [jmh args...]" >&2
    exit 2
    ;;
esac
shift

java=${JAVA:-java}
# 10,000 idle loopback sessions hold 10,000 descriptors in the server JVM and as many in the client's
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
jar=benchmarks/target/benchmarks.jar
mvn -B -q -pl benchmarks -am package -DskipTests

run="benchmarks/results/runs/$mode-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# the commit the jar was just built from (edits made while the suite runs do not count)
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
available=$("$java" -jar "$jar" -l)

# Several JMH runs may share this machine (other sessions benchmarking): JMH's lock would make the
# second one exit, so it is ignored; the interleaved benchmarks keep their ratios under such load.
jvm=(-Djmh.ignoreLock=true)
commands=""
failed=()

# jmh NAME REGEX [JMH OPTIONS...]: one JMH invocation into $run/NAME.json, skipped when no
# benchmark matches REGEX (so the suite runs before every benchmark family exists).
jmh() {
  local name=$1 regex=$2
  shift 2
  if ! grep -qE -- "$regex" <<<"$available"; then
    echo "== $name: no benchmark matches '$regex'; skipped"
    return 0
  fi
  echo "== $name: $regex $*"
  commands+="${commands:+ ;; }java -jar $jar '$regex' $*"
  set +e
  "$java" "${jvm[@]}" -jar "$jar" "$regex" "$@" -rf json -rff "$run/$name.json" 2>&1 |
    tee "$run/$name.log" |
    grep -E '^(# (Benchmark|Parameters):|Iteration|<failure>|[A-Za-z.]*(Exception|Error))'
  local status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ] || grep -q '<failure>' "$run/$name.log"; then
    failed+=("$run/$name.log")
  fi
}

# The record benchmarks' ChaCha20 runs leave out OpenSSL + TLS 1.3: BoringSSL does not let TLS 1.3
# suites be chosen (it negotiates AES-GCM), and the benchmarks refuse to measure the wrong cipher.
records() {
  local name=$1 regex=$2
  shift 2
  jmh "$name-aes" "$regex" -p cipher=AES_GCM "$@"
  jmh "$name-chacha-jdk" "$regex" -p cipher=CHACHA20 -p provider=JDK "$@"
  jmh "$name-chacha-openssl" "$regex" -p cipher=CHACHA20 -p provider=OPENSSL -p protocol=TLSv1.2 "$@"
}

case "$mode" in
  quick) timing=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
  full) timing=(-f 2 -wi 3 -w 2s -i 5 -r 2s) ;;
  smoke) timing=(-f 0 -wi 0 -i 1 -r 100ms -foe true) ;;
esac
# The loopback servers share each iteration's time (a third each), and Netty's pipeline needs about
# 8 s of its own load before C2 has compiled it (measured with LoopbackProbe: 3,000 handshakes/s in
# the first seconds, 4,800/s from the ninth on); shorter warm-ups measured a cold Netty server.
case "$mode" in
  quick) loop_timing=(-f 1 -wi 8 -w 3s -i 3 -r 3s) ;;
  full) loop_timing=(-f 2 -wi 8 -w 3s -i 5 -r 3s) ;;
  smoke) loop_timing=("${timing[@]}") ;;
esac
# allocation per operation (-prof gc) settles fast: a shorter run for the one-subject benchmarks
case "$mode" in
  quick) gc_timing=(-f 1 -wi 1 -w 1s -i 1 -r 1s) ;;
  *) gc_timing=("${timing[@]}") ;;
esac
# the idle-session benchmarks: one long operation each, in a JVM of their own (fixed heap)
case "$mode" in
  smoke) idle=(-f 0 -foe true -p sessions=20) ;;
  quick) idle=(-f 1 -wi 0) ;;
  full) idle=(-f 1 -wi 0 -i 3) ;;
esac
# the in-memory idle-session benchmarks (the loop package has its own)
idle_regex='\.(engine|netty)\.[A-Za-z]*IdleSessionBenchmark'
# one-subject benchmarks in quick and smoke: one configuration per provider
one=(-p protocol=TLSv1.3 -p key=EC_P256 -p handshake=full -p size=16384)

if [ $# -gt 0 ]; then
  # the mode's timing (option-value pairs), except the options given on the command line
  custom=()
  for ((i = 0; i < ${#timing[@]}; i += 2)); do
    [[ " $* " == *" ${timing[i]} "* ]] || custom+=("${timing[i]}" "${timing[i + 1]}")
  done
  jmh custom "$@" "${custom[@]}"
else
  case "$mode" in
    smoke)
      # few JMH invocations: each costs a JVM start; every code path still runs once
      jmh paired '\.Paired(Handshake|Record)Benchmark' -p cipher=AES_GCM -p size=16384 "${timing[@]}"
      jmh paired-chacha '\.PairedRecordBenchmark' -p cipher=CHACHA20 -p provider=JDK -p size=1024 \
        "${timing[@]}"
      jmh single '\.(engine|netty)\.[A-Za-z]*(Handshake|Record)Benchmark' "${one[@]}" \
        -p cipher=AES_GCM "${timing[@]}"
      jmh idle-session '\.(engine|netty)\.[A-Za-z]*IdleSessionBenchmark' "${idle[@]}"
      jmh loopback '\.loop\.' -p concurrency=10 -p loops=1 -p sessions=50 "${timing[@]}"
      jmh sni '\.sni\.Sni' -p lookup=exact "${timing[@]}"
      ;;
    quick)
      # RSA-2048 only for full handshakes: resuming does not use the certificate's key
      jmh paired-handshake-ec '\.PairedHandshakeBenchmark' -p key=EC_P256 "${timing[@]}"
      jmh paired-handshake-rsa '\.PairedHandshakeBenchmark' -p key=RSA_2048 -p handshake=full \
        "${timing[@]}"
      records paired-record '\.PairedRecordBenchmark' "${timing[@]}"
      jmh single-gc '\.(engine|netty)\.[A-Za-z]*(Handshake|Record)Benchmark' "${one[@]}" \
        -p cipher=AES_GCM -prof gc "${gc_timing[@]}"
      # BoringSSL: the median of three rounds at 1,000, one round at 10,000 (where a stray megabyte
      # matters less); the JDK's slower handshakes: one round at 1,000
      jmh idle-session-openssl-1000 "$idle_regex" -p sessions=1000 -p provider=OPENSSL \
        -i 3 "${idle[@]}"
      jmh idle-session-openssl-10000 "$idle_regex" -p sessions=10000 -p provider=OPENSSL \
        -i 1 "${idle[@]}"
      jmh idle-session-jdk-1000 "$idle_regex" -p sessions=1000 -p provider=JDK -i 1 \
        "${idle[@]}"
      jmh loopback-handshake '\.loop\.PairedFullHandshakeBenchmark' "${loop_timing[@]}"
      jmh loopback-scaling '\.loop\.PairedScalingBenchmark' -f 1 -wi 4 -w 4s -i 2 -r 2s
      jmh loopback-idle-session '\.loop\.[A-Za-z]*IdleSessionBenchmark' -p sessions=1000,10000 \
        "${idle[@]}" -i 1
      ;;
    full)
      jmh paired-handshake '\.PairedHandshakeBenchmark' "${timing[@]}"
      records paired-record '\.PairedRecordBenchmark' "${timing[@]}"
      jmh single-handshake '\.(engine|netty)\.[A-Za-z]*HandshakeBenchmark' -prof gc "${timing[@]}"
      records single-record '\.(engine|netty)\.[A-Za-z]*RecordBenchmark' -prof gc "${timing[@]}"
      jmh idle-session "$idle_regex" "${idle[@]}"
      jmh loopback '\.loop\.Paired' "${loop_timing[@]}"
      jmh loopback-idle-session '\.loop\.[A-Za-z]*IdleSessionBenchmark' "${idle[@]}"
      ;;
  esac
fi

{
  echo "mode=$mode"
  if [ $# -gt 0 ]; then
    options="$* ${custom[*]}" # what the one custom invocation ran with
    echo "options=${options//\\/\\\\}"
  else
    echo "options=${timing[*]}; loopback handshakes ${loop_timing[*]}"
  fi
  echo "command=benchmarks/run.sh $mode${*:+ $*}"
  echo "commands=${commands//\\/\\\\}" # a properties file: backslashes escaped
  echo "commit=$commit"
  echo "started=$started"
  echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load.before=$load_before"
  echo "load.after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
} >"$run/run.properties"

echo
if [ "$mode" = smoke ]; then
  echo "== smoke run: every benchmark ran once, briefly; these numbers are not measurements"
  out="$run"
elif [ $# -gt 0 ]; then
  out="$run" # a partial run does not replace the committed page
else
  out=benchmarks/results
fi
"$java" -cp "$jar" io.niotls.bench.report.ResultsPage --out "$out" "$run" | tee "$run/report.txt"

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: benchmarks failed; see ${failed[*]}" >&2
  exit 1
fi
