#!/usr/bin/env bash
# Client benchmark: is the Gatling SMTP protocol (load-tests, dev.postillion.loadtest.smtp) ever
# the bottleneck? Postfix's smtp-sink on loopback takes the same load from Postfix's smtp-source
# and from ClientThroughputSimulation, one after the other on the same machine, and the script
# prints both rates and their ratio. smtp-sink answers at once and writes nothing, so what is
# measured is the client.
#
#   load-tests/bench/gatling-vs-smtp-source.sh [MESSAGES=20000] [SESSIONS=50] [SIZE=2048] [WARMUP=MESSAGES] [ROUNDS=5]
#
# MESSAGES and WARMUP must be multiples of SESSIONS: every Gatling user sends as many.
#
# The clients take turns, ROUNDS times, and the medians are compared: on a shared two-core
# machine one run of either varies by a third from the next.
#
# Both clients send one connection per message (smtp-source's default), SESSIONS at once. Each
# sends WARMUP messages first: smtp-source as a run of its own, Gatling inside the same JVM as
# its measured run (a JVM client is only at its speed once the JIT has compiled it). Gatling's
# rate is timed inside the simulation, from the first measured user's start to the last one's end,
# so the JVM's start and the report are not counted.
#
# Needs Postfix's smtp-source and smtp-sink (Debian's postfix package, installed here if missing).
set -euo pipefail
messages=${1:-20000}; sessions=${2:-50}; size=${3:-2048}; warmup=${4:-$messages}; rounds=${5:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
port=12526

if ! command -v smtp-sink >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
# smtp-sink as root must drop to a user of its own once it has its socket
sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u nobody)
smtp-sink "${sink_user[@]}" "127.0.0.1:$port" 1024 &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null || true' EXIT
listening=
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { listening=1; break; }; sleep 0.1; done
[ -n "$listening" ] || { echo "smtp-sink does not listen on 127.0.0.1:$port" >&2; exit 1; }

source_run() {
  local start end
  start=$(date +%s.%N)
  smtp-source -s "$sessions" -m "$1" -l "$size" -f bench@sender.test -t u@bench.test "127.0.0.1:$port" || return 1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# Seconds the Gatling simulation measured, in a JVM of its own, after its warm-up; fails (with
# Gatling's output) unless every message got its 250.
gatling_run() {
  local out
  out=$(cd "$root" && ./mvnw -B -o -pl load-tests gatling:test \
      -Dgatling.simulationClass=dev.postillion.loadtest.bench.ClientThroughputSimulation \
      -Dtarget.smtp="127.0.0.1:$port" -Dbench.sessions="$sessions" -Dbench.messages="$messages" \
      -Dbench.size="$size" -Dbench.warmup="$warmup") || { echo "$out" >&2; return 1; }
  echo "$out" | grep '^measured: [0-9]' | awk '{print $5}'
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "$rounds rounds of $messages messages of $size bytes over $sessions sessions, each client warmed up with $warmup"
(cd "$root" && ./mvnw -B -q -o -pl load-tests test-compile)
source_run "$warmup" >/dev/null
source_rates=(); gatling_rates=()
for round in $(seq "$rounds"); do
  # each run on its own line, so that set -e stops the script on a failed one
  source_s=$(source_run "$messages")
  gatling_s=$(gatling_run)
  source_rates+=("$(echo "$messages / $source_s" | bc -l)")
  gatling_rates+=("$(echo "$messages / $gatling_s" | bc -l)")
  printf 'round %d: smtp-source %6.0f msg/s, Gatling %6.0f msg/s\n' "$round" "${source_rates[-1]}" "${gatling_rates[-1]}"
done
source_rate=$(printf '%s\n' "${source_rates[@]}" | median)
gatling_rate=$(printf '%s\n' "${gatling_rates[@]}" | median)
printf 'smtp-source: %6.0f msg/s (median)\n' "$source_rate"
printf 'Gatling:     %6.0f msg/s (median), %.0f%% of smtp-source\n' "$gatling_rate" \
  "$(echo "100 * $gatling_rate / $source_rate" | bc -l)"
