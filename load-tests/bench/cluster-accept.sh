#!/usr/bin/env bash
# Cluster benchmark: three nodes on this machine sharing one PostgreSQL (deploy/local-cluster.sh),
# loaded at once by Postfix's smtp-source, each node's mail spread over twelve mailboxes whose
# entities live on all three nodes. Prints the aggregate acceptance rate and when the last message
# was in its mailbox; then the same load on nodes 1 and 2 while node 3 is killed (kill -9) a few
# seconds into it: the survivors' rate, and when every message was in its mailbox, including those
# whose mailboxes lived on the dead node. Postfix takes the whole load alone at the end, for scale.
#
#   load-tests/bench/cluster-accept.sh [MESSAGES_PER_NODE=6000] [SESSIONS_PER_NODE=24] [SIZE=2048] [WARMUP_PER_NODE=3000] [KILL_AFTER=3]
#
# Two cores cannot show the cluster scaling: the three JVMs and PostgreSQL share them. Needs root
# (Postfix and PostgreSQL are installed from Debian's packages if missing) and a built jar.
set -euo pipefail
per_node=${1:-6000}; sessions=${2:-24}; size=${3:-2048}; warmup=${4:-3000}; kill_after=${5:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
peer="$root/../shared/bench/postfix-peer.sh"
jar="$root/mta/target/postillion.jar"
work=$(mktemp -d /tmp/postillion-cluster-bench.XXXXXX)
chmod 755 "$work"
export POSTILLION_CLUSTER_DIR=$work/cluster
# As the single-node benchmarks: SPF and DKIM off, as Postfix checks neither by default (and the
# sender domain has no DNS here, so every check would wait for DNS servers that do not answer).
export JAVA_OPTS="${JAVA_OPTS:--Xmx1g} -Dpostillion.spf.enabled=false -Dpostillion.dkim.enabled=false"
cluster="$root/deploy/local-cluster.sh"
mailboxes=12
# Each node sends to four mailboxes, a quarter of its messages and sessions each.
per_node=$((per_node / 4 * 4)); warmup=$((warmup / 4 * 4))
[ "$sessions" -ge 4 ] || { echo "SESSIONS_PER_NODE must be 4 or more" >&2; exit 2; }

[ -f "$peer" ] || { echo "missing $peer" >&2; exit 2; }
bash "$peer" stop >/dev/null 2>&1 || true
command -v smtp-source >/dev/null || bash "$peer" start >/dev/null   # installs Postfix
bash "$peer" stop >/dev/null 2>&1 || true
command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)

cleanup() {
  bash "$cluster" stop >/dev/null 2>&1 || true
  bash "$peer" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
mx_port() { echo "${1}2525"; }
api() {
  curl -sf -H "Authorization: Bearer $(cat "$POSTILLION_CLUSTER_DIR/secrets/admin-token")" \
       -H 'Content-Type: application/json' "$@"
}

bash "$cluster" start >/dev/null
api -X POST http://127.0.0.1:8081/api/v1/domains -d '{"name":"bench.test"}' >/dev/null
for m in $(seq $mailboxes); do
  for prefix in m w f; do
    api -X POST http://127.0.0.1:8081/api/v1/domains/bench.test/addresses \
        -d "{\"localPart\":\"$prefix$m\",\"password\":\"bench-password\"}" >/dev/null
  done
done

# Sends $2 messages per node to the nodes listed in $3, spread over the mailboxes ${1}1..${1}12,
# a share of the sessions each, all at once; prints the wall time until the last 250.
load() {
  local prefix=$1 count=$2 nodes=$3 start pids=() n m share
  share=$((sessions / 4))
  start=$(now)
  for n in $nodes; do
    for m in $(seq $mailboxes); do
      # Each node's senders take every third mailbox's share, so each node sends to all of them.
      [ $(((m + n) % 3)) -eq 0 ] || continue
      smtp-source -s "$share" -m $((count / 4)) -l "$size" -f bench@sender.test \
          -t "$prefix$m@bench.test" "127.0.0.1:$(mx_port "$n")" 2>>"$work/smtp-source.err" &
      pids+=($!)
    done
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  echo "$(now) - $start" | bc -l
}

# Messages in the mailboxes ${1}1..${1}12, through node 1's admin API.
stored() {
  local total=0 m after page uids
  for m in $(seq $mailboxes); do
    after=0
    while :; do
      page=$(api "http://127.0.0.1:8081/api/v1/mailboxes/$1$m@bench.test/messages?folder=INBOX&after=$after&limit=10000") || break
      uids=$(echo "$page" | grep -o '"uid":[0-9]*' || true)
      [ -z "$uids" ] && break
      total=$((total + $(echo "$uids" | wc -l))); after=$(echo "$uids" | tail -1 | cut -d: -f2)
    done
  done
  echo "$total"
}
# Seconds from $3 until the mailboxes ${1}* hold $2 messages (or 300 s passed).
await_stored() {
  for _ in $(seq 600); do [ "$(stored "$1")" -ge "$2" ] && break; sleep 0.5; done
  echo "$(now) - $3" | bc -l
}

echo "Three nodes: warm-up with $warmup messages per node, then $per_node per node of $size bytes, $sessions sessions per node"
load w "$warmup" "1 2 3" >/dev/null
await_stored w $((warmup * 3)) "$(now)" >/dev/null
started=$(now)
seconds=$(load m "$per_node" "1 2 3")
in_mailboxes_after=$(await_stored m $((per_node * 3)) "$started")
in_mailboxes=$(stored m)

echo "Nodes 1 and 2 loaded, node 3 killed $kill_after s into it"
started=$(now)
( sleep "$kill_after"; kill -9 "$(cat "$POSTILLION_CLUSTER_DIR/node3.pid")" ) &
failover_seconds=$(load f "$per_node" "1 2")
failover_after=$(await_stored f $((per_node * 2)) "$started")
failover_stored=$(stored f)
bash "$cluster" stop >/dev/null
# Postfix takes node 1's port (12525): it must be free again.
if curl -s -m 2 -o /dev/null "telnet://127.0.0.1:12525" </dev/null; then
  echo "a node still holds 127.0.0.1:12525 after the cluster's stop; see $POSTILLION_CLUSTER_DIR" >&2
  exit 1
fi

echo "Postfix: the three nodes' load alone"
bash "$peer" start >/dev/null
postfix_start=$(now)
smtp-source -s $((sessions * 3)) -m $((per_node * 3)) -l "$size" -f bench@sender.test -t u@bench.test 127.0.0.1:12525
postfix_seconds=$(echo "$(now) - $postfix_start" | bc -l)

total=$((per_node * 3))
printf 'Three nodes:            %6.0f msg/s (%d messages in %.2f s); all in their mailboxes %.1f s after the first connection (%d of %d)\n' \
  "$(echo "$total / $seconds" | bc -l)" "$total" "$seconds" "$in_mailboxes_after" "$in_mailboxes" "$total"
printf 'Two, node 3 killed:     %6.0f msg/s (%d messages in %.2f s); all in their mailboxes %.1f s after the first connection (%d of %d)\n' \
  "$(echo "$per_node * 2 / $failover_seconds" | bc -l)" $((per_node * 2)) "$failover_seconds" "$failover_after" \
  "$failover_stored" $((per_node * 2))
printf 'Postfix, one server:    %6.0f msg/s (%d messages in %.2f s)\n' "$(echo "$total / $postfix_seconds" | bc -l)" \
  "$total" "$postfix_seconds"
[ "$in_mailboxes" -eq "$total" ] && [ "$failover_stored" -eq $((per_node * 2)) ] \
  || { echo "FAIL: the mailboxes hold fewer messages than were sent" >&2; exit 1; }
