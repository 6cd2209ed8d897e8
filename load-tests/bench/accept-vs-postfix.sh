#!/usr/bin/env bash
# Acceptance benchmark: Postfix's smtp-source drives Postillion and, in the same run, Postfix
# (started by ../shared/bench/postfix-peer.sh) with the same load, and prints messages per second
# for each and their ratio. Every 250 is durable on both sides (Postillion: RocksDB WAL fsync with
# group commit; Postfix: its fsync'd queue files). Afterwards every message must be in its
# Postillion mailbox, or the run fails.
#
#   load-tests/bench/accept-vs-postfix.sh [MESSAGES=20000] [SESSIONS=50] [SIZE=2048] [WARMUP=MESSAGES]
#   AUTH_CHECKS=1 load-tests/bench/accept-vs-postfix.sh ...
#   STORES="rocksdb postgresql" load-tests/bench/accept-vs-postfix.sh ...
#   CLIENT=gatling load-tests/bench/accept-vs-postfix.sh ...
#
# CLIENT=gatling drives both servers with the Gatling SMTP protocol (ClientThroughputSimulation,
# in the same terms as smtp-source: SESSIONS at once, one connection per message) instead of
# smtp-source. Its warm-up runs in the JVM that then measures, so that the client is warm too;
# the server finishes the warm-up's deliveries before the measured run starts, as with smtp-source.
# MESSAGES and WARMUP must then be multiples of SESSIONS: every Gatling user sends as many.
#
# STORES: the shared stores Postillion runs on, one run each (stores.sh); the spool is on RocksDB
# in every run. Besides the acceptance rate, each run reports when the last message was in its
# mailbox: with PostgreSQL that is where the store's cost shows.
#
# With AUTH_CHECKS=1 Postillion checks SPF, DKIM and DMARC on every message against a local zone
# (dnsmasq on 127.0.0.1:15353, installed from Debian if missing) that publishes SPF and DMARC
# p=reject for the sender domain; Postfix, which has no such checks of its own, runs as before.
#
# Both servers first take WARMUP messages, then the measured run: a server runs for weeks, and a
# JVM reaches its steady state only once the JIT has compiled the hot paths (on two cores that
# takes some ten thousand messages). Postfix gets the same warm-up.
#
# Needs root (Postfix is installed from Debian's packages if missing) and a built jar
# (mta/target/postillion.jar, built here if absent).
set -euo pipefail
messages=${1:-20000}; sessions=${2:-50}; size=${3:-2048}
root=$(cd "$(dirname "$0")/../.." && pwd)
peer="$root/../shared/bench/postfix-peer.sh"
jar="$root/mta/target/postillion.jar"
work=$(mktemp -d /tmp/postillion-bench.XXXXXX)
smtp_port=22525; admin_port=28080; token=bench-token
warmup=${4:-$messages}

[ -x "$peer" ] || [ -f "$peer" ] || { echo "missing $peer" >&2; exit 2; }
bash "$peer" stop >/dev/null 2>&1 || true
command -v smtp-source >/dev/null || bash "$peer" start >/dev/null   # installs Postfix
bash "$peer" stop >/dev/null 2>&1 || true
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)
source "$root/load-tests/bench/stores.sh"

node_pid=
dns_pid=
gatling_pid=
cleanup() {
  [ -n "$gatling_pid" ] && kill "$gatling_pid" 2>/dev/null || true
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null || true
  bash "$peer" stop >/dev/null 2>&1 || true
  stores_cleanup
  rm -rf "$work"
}
trap cleanup EXIT

api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

client=${CLIENT:-smtp-source}
case "$client" in
  smtp-source|gatling) ;;
  *) echo "CLIENT is smtp-source or gatling, not $client" >&2; exit 2 ;;
esac
[ "$client" = gatling ] && (cd "$root" && ./mvnw -B -q -o -pl load-tests test-compile)

# Wall time in seconds of smtp-source sending $1 messages to $2 at 127.0.0.1:$3.
drive() {
  local count=$1 rcpt=$2 port=$3 start end
  start=$(date +%s.%N)
  smtp-source -s "$sessions" -m "$count" -l "$size" -f bench@sender.test -t "$rcpt" "127.0.0.1:$port"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# The client's warm-up of $warmup messages to $1, then the command $4 (the server has delivered
# them; it may note where the measured run starts), then $messages messages to $2, all at
# 127.0.0.1:$3. Sets measured_seconds to the wall time of the measured run.
measure() {
  local warm=$1 rcpt=$2 port=$3 settled=$4
  if [ "$client" = smtp-source ]; then
    drive "$warmup" "$warm" "$port" >/dev/null
    "$settled"
    measured_seconds=$(drive "$messages" "$rcpt" "$port")
    return
  fi
  rm -f "$work/ready" "$work/go"
  (cd "$root" && ./mvnw -B -o -pl load-tests gatling:test \
      -Dgatling.simulationClass=dev.postillion.loadtest.bench.ClientThroughputSimulation \
      -Dtarget.smtp="127.0.0.1:$port" -Dbench.sessions="$sessions" -Dbench.messages="$messages" \
      -Dbench.size="$size" -Dbench.from=bench@sender.test -Dbench.to="$rcpt" \
      -Dbench.warmup="$warmup" -Dbench.warmup-to="$warm" \
      -Dbench.ready-file="$work/ready" -Dbench.go-file="$work/go") > "$work/gatling.out" 2>&1 &
  gatling_pid=$!
  until [ -f "$work/ready" ]; do
    kill -0 "$gatling_pid" 2>/dev/null || { cat "$work/gatling.out" >&2; exit 1; }
    sleep 0.2
  done
  "$settled"
  touch "$work/go"
  wait "$gatling_pid" || { cat "$work/gatling.out" >&2; exit 1; }
  gatling_pid=
  measured_seconds=$(grep '^measured: [0-9]' "$work/gatling.out" | awk '{print $5}' || true)
  [ -n "$measured_seconds" ] || { cat "$work/gatling.out" >&2; exit 1; }
}

# Postillion: one node with embedded storage, as the README starts it. SPF and DKIM off, as
# Postfix has neither by default (and the sender domain has no DNS here), unless AUTH_CHECKS=1.
checks=(-Dpostillion.spf.enabled=false -Dpostillion.dkim.enabled=false)
if [ "${AUTH_CHECKS:-0}" = 1 ]; then
  command -v dnsmasq >/dev/null || { apt-get update -qq && apt-get install -y -qq dnsmasq-base >/dev/null; }
  # Authoritative for every name (--local=/#/): what is not published is NXDOMAIN, never REFUSED.
  # A TTL as zones publish (dnsmasq's default for its own records is 0, which no cache keeps).
  dnsmasq --keep-in-foreground --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
          --port=15353 --local=/#/ --local-ttl=3600 --pid-file="$work/dnsmasq.pid" \
          --txt-record=sender.test,"v=spf1 ip4:127.0.0.0/8 -all" \
          --txt-record=_dmarc.sender.test,"v=DMARC1; p=reject" &
  dns_pid=$!
  checks=(-Dpostillion.dns.servers.0=127.0.0.1:15353)
  echo "SPF, DKIM and DMARC checked on every message (local zone on 127.0.0.1:15353)"
fi
# Starts a node on the store $1, with a domain and its mailboxes u and warm.
start_node() {
  local options
  store_prepare "$1" "bench_$1"
  options=$(store_options "$1" "bench_$1")
  # shellcheck disable=SC2086 # the store's options are several words
  java -Dpostillion.data-dir="$work/data-$1" -Dpostillion.hostname=postillion.bench \
       -Dpostillion.smtp.mx.bind=127.0.0.1 -Dpostillion.smtp.mx.port=$smtp_port \
       -Dpostillion.smtp.submission.port=0 -Dpostillion.smtp.submissions.port=0 \
       -Dpostillion.admin.port=$admin_port -Dpostillion.admin.token=$token \
       "${checks[@]}" $options \
       -jar "$jar" > "$work/postillion-$1.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$admin_port/health" >/dev/null && break; sleep 0.5; done
  api -X POST "http://127.0.0.1:$admin_port/api/v1/domains" -d '{"name":"bench.test"}' >/dev/null
  for user in u warm; do
    api -X POST "http://127.0.0.1:$admin_port/api/v1/domains/bench.test/addresses" \
        -d "{\"localPart\":\"$user\",\"password\":\"bench-password\"}" >/dev/null
  done
}

# Messages stored in a Postillion mailbox, counted through the admin API.
stored() {
  local count=0 after=0 page uids
  while :; do
    page=$(api "http://127.0.0.1:$admin_port/api/v1/mailboxes/$1/messages?folder=INBOX&after=$after&limit=10000")
    uids=$(echo "$page" | grep -o '"uid":[0-9]*' || true)
    [ -z "$uids" ] && break
    count=$((count + $(echo "$uids" | wc -l))); after=$(echo "$uids" | tail -1 | cut -d: -f2)
  done
  echo "$count"
}
await_stored() {
  for _ in $(seq 600); do [ "$(stored "$1")" -ge "$2" ] && return 0; sleep 0.5; done
  return 1
}

# One server at a time, each with the machine to itself: warm-up, its deliveries finished, then the run.
# Postillion has stored the warm-up: the measured run starts, and with it the clock and the CPU counts.
postillion_settled() {
  await_stored warm@bench.test "$warmup"
  started=$(date +%s.%N)
  node_cpu=$(cpu_seconds "$node_pid"); store_cpu=$(postgres_cpu_seconds)
}
postfix_settled() {
  for _ in $(seq 600); do bash "$peer" drained && break; sleep 0.5; done
}

declare -A rate_of stored_after in_mailbox_of node_cpu_of store_cpu_of
for store in $stores; do
  echo "Postillion on $store ($client): warm-up with $warmup messages, then $messages messages of $size bytes over $sessions sessions"
  start_node "$store"
  measure warm@bench.test u@bench.test $smtp_port postillion_settled
  rate_of[$store]=$(echo "$messages / $measured_seconds" | bc -l)
  # Every acknowledged message must be in the mailbox.
  await_stored u@bench.test "$messages" || true
  stored_after[$store]=$(echo "$(date +%s.%N) - $started" | bc -l)
  in_mailbox_of[$store]=$(stored u@bench.test)
  # Where the time went: the node's CPU and PostgreSQL's, from the first connection to the last message stored.
  node_cpu_of[$store]=$(echo "$(cpu_seconds "$node_pid") - $node_cpu" | bc -l)
  store_cpu_of[$store]=$(echo "$(postgres_cpu_seconds) - $store_cpu" | bc -l)
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=
done

echo "Postfix ($client): the same"
bash "$peer" start >/dev/null
measure u@bench.test u@bench.test 12525 postfix_settled
postfix_s=$measured_seconds

postfix_rate=$(echo "$messages / $postfix_s" | bc -l)
failed=0
for store in $stores; do
  printf 'Postillion (%s): %6.0f msg/s, %.2fx Postfix; all in the mailbox %.1f s after the first connection (%d of %d)\n' \
    "$store" "${rate_of[$store]}" "$(echo "${rate_of[$store]} / $postfix_rate" | bc -l)" "${stored_after[$store]}" \
    "${in_mailbox_of[$store]}" "$messages"
  printf '  CPU from the first connection to the last message stored: node %.1f s, PostgreSQL %.1f s\n' \
    "${node_cpu_of[$store]}" "${store_cpu_of[$store]}"
  [ "${in_mailbox_of[$store]}" -eq "$messages" ] || failed=1
done
printf 'Postfix:    %6.0f msg/s (%.2f s)\n' "$postfix_rate" "$postfix_s"
[ "$failed" = 0 ] || { echo "FAIL: a mailbox holds fewer messages than were accepted" >&2; exit 1; }
