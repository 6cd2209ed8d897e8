#!/usr/bin/env bash
# Relay benchmark: Postfix's smtp-source sends MESSAGES messages for bench.test to Postillion and,
# in the same run, to Postfix (started by ../shared/bench/postfix-peer.sh); both relay them to an
# smtp-sink on 127.0.0.1:12626. Each server is timed from the first connection until its queue is
# empty again, i.e. every message accepted durably, delivered to the sink and removed.
#
#   load-tests/bench/relay-vs-postfix.sh [MESSAGES=20000] [SESSIONS=50] [SIZE=2048] [WARMUP=MESSAGES] [BACKLOG=0]
#
# With BACKLOG > 0, Postillion is then measured again with BACKLOG messages deferred in its queue
# (for deferred.test, whose next hop refuses connections): accept and relay rates should not move.
#
# STORES="rocksdb postgresql": Postillion runs once on each shared store (stores.sh; the spool is
# on RocksDB in every run).
#
# Needs root (Postfix is installed from Debian's packages if missing) and a built jar
# (mta/target/postillion.jar, built here if absent).
set -euo pipefail
messages=${1:-20000}; sessions=${2:-50}; size=${3:-2048}; warmup=${4:-$messages}; backlog=${5:-0}
root=$(cd "$(dirname "$0")/../.." && pwd)
peer="$root/../shared/bench/postfix-peer.sh"
jar="$root/mta/target/postillion.jar"
work=$(mktemp -d /tmp/postillion-relay.XXXXXX)
smtp_port=22525; admin_port=28080; sink_port=12626; token=bench-token

[ -f "$peer" ] || { echo "missing $peer" >&2; exit 2; }
bash "$peer" stop >/dev/null 2>&1 || true
command -v smtp-source >/dev/null || bash "$peer" start >/dev/null   # installs Postfix
bash "$peer" stop >/dev/null 2>&1 || true
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)
source "$root/load-tests/bench/stores.sh"

node_pid=; sink_pid=
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  bash "$peer" stop >/dev/null 2>&1 || true
  stores_cleanup
  rm -rf "$work"
}
trap cleanup EXIT

api() { curl -sf -H "Authorization: Bearer $token" "$@"; }
now() { date +%s.%N; }
send() { smtp-source -s "$sessions" -m "$1" -l "$size" -f bench@sender.test -t "$2" "127.0.0.1:$3"; }

# Whether Postillion's queue holds a message matching the query, following the listing's pages.
queued() {
  local after="" page
  while :; do
    page=$(api "http://127.0.0.1:$admin_port/api/v1/queue?limit=1&$1${after:+&after=$after}")
    echo "$page" | grep -q '"id"' && return 0
    after=$(echo "$page" | grep -o '"next":"[0-9A-F]*"' | cut -d'"' -f4 || true)
    [ -z "$after" ] && return 1
  done
}
await_not_queued() { for _ in $(seq 3000); do queued "$1" || return 0; sleep 0.2; done; return 1; }

# Postillion: relays for loopback clients; bench.test to the sink, deferred.test to a closed port.
cat > "$work/bench.conf" <<EOF
postillion {
  data-dir = "$work/data"
  hostname = "postillion.bench"
  smtp.mx { bind = "127.0.0.1", port = $smtp_port }
  smtp.submission { bind = "127.0.0.1", port = 0 }
  smtp.submissions { bind = "127.0.0.1", port = 0 }
  smtp.relay-networks = ["127.0.0.0/8"]
  admin { port = $admin_port, token = "$token" }
  delivery.transport { "bench.test" = "[127.0.0.1]:$sink_port", "deferred.test" = "[127.0.0.1]:1" }
  # As Postfix's default_destination_concurrency_limit in postfix-peer.sh.
  delivery.destination.destination-concurrency-limit = 50
  # As Postfix, which checks neither by default (and the sender domain has no DNS here).
  spf.enabled = false
  dkim.enabled = false
}
EOF
# Seconds from the first connection until nothing for bench.test is queued.
postillion_run() {
  local start accepted
  start=$(now)
  send "$1" u@bench.test $smtp_port
  accepted=$(now)
  await_not_queued "domain=bench.test" || { echo "Postillion did not drain" >&2; exit 1; }
  echo "$(echo "$accepted - $start" | bc -l) $(echo "$(now) - $start" | bc -l)"
}

setsid smtp-sink -u nobody -c "127.0.0.1:$sink_port" 1000 >/dev/null 2>&1 < /dev/null &
sink_pid=$!
declare -A accept_of relay_of backlog_accept_of backlog_relay_of
for store in $stores; do
  store_prepare "$store" "relay_$store"
  options=$(store_options "$store" "relay_$store")
  # shellcheck disable=SC2086 # the store's options are several words
  java -Dconfig.file="$work/bench.conf" -Dpostillion.data-dir="$work/data-$store" $options -jar "$jar" \
      > "$work/postillion-$store.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$admin_port/health" >/dev/null && break; sleep 0.5; done

  echo "Postillion on $store: warm-up with $warmup messages, then $messages messages of $size bytes over $sessions sessions"
  postillion_run "$warmup" >/dev/null
  read -r "accept_of[$store]" "relay_of[$store]" < <(postillion_run "$messages")
  if [ "$backlog" -gt 0 ]; then
    echo "Postillion on $store: $backlog messages deferred in the queue, then the same run"
    send "$backlog" u@deferred.test $smtp_port
    await_not_queued "state=active&domain=deferred.test" || { echo "backlog not attempted" >&2; exit 1; }
    read -r "backlog_accept_of[$store]" "backlog_relay_of[$store]" < <(postillion_run "$messages")
  fi
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=
done
kill "$sink_pid" 2>/dev/null || true; sink_pid=

echo "Postfix: the same"
bash "$peer" start >/dev/null
postfix_run() {
  local start accepted
  start=$(now)
  send "$1" u@bench.test 12525
  accepted=$(now)
  for _ in $(seq 3000); do bash "$peer" drained && break; sleep 0.2; done
  echo "$(echo "$accepted - $start" | bc -l) $(echo "$(now) - $start" | bc -l)"
}
postfix_run "$warmup" >/dev/null
read -r postfix_accept postfix_s < <(postfix_run "$messages")

rate() { echo "$messages / $1" | bc -l; }
for store in $stores; do
  printf 'Postillion (%s): relayed %6.0f msg/s (%.2f s; accepted within %.2f s), %.2fx Postfix\n' "$store" \
    "$(rate "${relay_of[$store]}")" "${relay_of[$store]}" "${accept_of[$store]}" \
    "$(echo "$postfix_s / ${relay_of[$store]}" | bc -l)"
  if [ "$backlog" -gt 0 ]; then
    printf 'Postillion (%s) with %d deferred: relayed %6.0f msg/s (%.2f s; accepted within %.2f s), %.0f%% of the empty-queue rate\n' \
      "$store" "$backlog" "$(rate "${backlog_relay_of[$store]}")" "${backlog_relay_of[$store]}" \
      "${backlog_accept_of[$store]}" "$(echo "100 * ${relay_of[$store]} / ${backlog_relay_of[$store]}" | bc -l)"
  fi
done
printf 'Postfix:    relayed %6.0f msg/s (%.2f s; accepted within %.2f s)\n' "$(rate "$postfix_s")" "$postfix_s" "$postfix_accept"
