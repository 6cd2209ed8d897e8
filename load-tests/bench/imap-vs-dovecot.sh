#!/usr/bin/env bash
# Mailbox reading benchmark: Postillion and, in the same run, Dovecot (Debian's dovecot-imapd,
# started by dovecot-peer.sh) on loopback, both holding the same MESSAGES generated messages in one
# user's INBOX, measured by the Gatling IMAP protocol (MailboxBenchSimulation) one server after the
# other, with the same client:
#
#   - login rate: SESSIONS connections at once, each LOGIN then LOGOUT, LOGINS logins in all;
#   - FETCH 1:1000 BODY.PEEK[HEADER]: the time, median of 7 rounds;
#   - full messages: FETCH 1:BODIES BODY.PEEK[] (BODIES = MESSAGES up to 2,000), MB/s and
#     messages/s, median of 7 rounds;
#   - SEARCH FROM "alice", SEARCH TEXT "zebra" and SEARCH UNSEEN on the whole folder, median of 7
#     (each checked against the counts the generator wrote: a tenth from alice, a hundredth with
#     the word zebra, all unseen);
#   - memory per idle connection: CONNECTIONS connections logged in (3 a second: Dovecot's one auth
#     process, which hashes each password, times out logins that queue longer) with INBOX selected, what the
#     server holds for them divided by CONNECTIONS: for Postillion the growth of its live Java heap
#     (after a full GC; a JVM's resident size follows its heap's sizing, not its connections), for
#     Dovecot the growth of the proportional set size (PSS) of its master and all its processes (an
#     imap process per connection; their resident sizes, which count shared pages in each, too).
#
#   load-tests/bench/imap-vs-dovecot.sh [MESSAGES=100000] [LOGINS=500] [CONNECTIONS=500] [SESSIONS=10]
#   JAR=/path/to/postillion.jar load-tests/bench/imap-vs-dovecot.sh ...   (another build's jar)
#
# The messages (1.5 to 9 KB of text, some multipart) are generated once; Dovecot gets them as files
# in its Maildir, Postillion through IMAP APPEND (20 connections; its rate is printed too). Both
# check an Argon2id hash of the same cost at each login (m=64 MiB, t=3, p=1: Dovecot's `doveadm pw
# -s ARGON2ID`; Postillion's own default is m=19 MiB, t=2), so that the login rate compares the
# servers and not their hash settings; every login comes from 127.0.0.1, so Postillion's lockout
# (which counts logins in progress from one network) is lifted. Before measuring, each server has its folder read once (a
# FETCH of every message's FLAGS: Dovecot builds its index on first sight of a Maildir).
#
# Needs Dovecot (dovecot-imapd, installed from Debian if missing), python3, and a built jar
# (mta/target/postillion.jar, built here if absent). On two cores it took 6.5 minutes at
# MESSAGES=10000 (with 200 logins and 200 connections) on a busy machine; the full run took 14
# minutes on a quiet one, the delivery (some 1,000 APPENDs a second) under two of them and much of
# the rest the logins, whose Argon2id hashes take a quarter of a second each.
set -euo pipefail
messages=${1:-100000}; logins=${2:-500}; connections=${3:-500}; sessions=${4:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=${JAR:-$root/mta/target/postillion.jar}
work=$(mktemp -d /tmp/postillion-imap-bench.XXXXXX)
chmod 755 "$work"   # Dovecot reads its Maildir below it as nobody
logs="$root/load-tests/target/imap-bench"   # each phase's output and the servers' logs, kept
imap_port=22143; admin_port=28082; token=bench-token
dovecot_imap=31143; dovecot_pop3=31110
user=reader@bench.test; password="Quiet-Harbour-$(date +%s)"
bodies=$(( messages < 2000 ? messages : 2000 ))

command -v dovecot >/dev/null || { apt-get update -qq && apt-get install -y -qq dovecot-imapd dovecot-pop3d >/dev/null; }
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)
(cd "$root" && ./mvnw -B -q -o -pl load-tests test-compile)

node_pid=
gatling_pid=
cleanup() {
  [ -n "$gatling_pid" ] && kill "$gatling_pid" 2>/dev/null || true
  mkdir -p "$logs" && cp "$work"/*.out "$work"/*.log "$work"/dovecot/dovecot.log "$logs"/ 2>/dev/null || true
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  bash "$root/load-tests/bench/dovecot-peer.sh" stop "$work/dovecot" || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "Generating $messages messages"
# Writes each message once under messages/ and links it into Dovecot's Maildir; prints the counts
# the searches must find.
read -r from_hits text_hits < <(python3 - "$work" "$messages" "$user" <<'PY'
import os, random, sys
work, count, user = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(15)
words = ("account agenda budget client contract delivery draft figures invoice meeting minutes offer "
         "order plan project quarter report review schedule shipment summary supplier team travel").split()
source = os.path.join(work, "messages"); maildir = os.path.join(work, "dovecot", "mail", user, "cur")
os.makedirs(source); os.makedirs(maildir)
from_hits = text_hits = 0
for i in range(1, count + 1):
    sender = "alice@example.test" if i % 10 == 0 else "sender%d@example.test" % (i % 97)
    from_hits += i % 10 == 0
    lines = [" ".join(random.choice(words) for _ in range(12)) for _ in range(random.randint(20, 120))]
    if i % 100 == 0:
        lines[len(lines) // 2] += " zebra"
        text_hits += 1
    body = "\r\n".join(lines) + "\r\n"
    head = ["From: %s" % sender, "To: %s" % user, "Subject: %s %d" % (random.choice(words).title(), i),
            "Date: Mon, 7 Dec 2026 %02d:%02d:%02d +0000" % (i // 3600 % 24, i // 60 % 60, i % 60),
            "Message-ID: <%d.bench@example.test>" % i, "MIME-Version: 1.0"]
    if i % 5 == 0:
        head.append('Content-Type: multipart/mixed; boundary="b%d"' % i)
        body = ("--b%d\r\nContent-Type: text/plain\r\n\r\n%s--b%d\r\nContent-Type: text/csv\r\n\r\n"
                "a,b\r\n1,2\r\n--b%d--\r\n") % (i, body, i, i)
    else:
        head.append("Content-Type: text/plain; charset=us-ascii")
    path = os.path.join(source, "%07d.eml" % i)
    with open(path, "w", newline="") as out:
        out.write("\r\n".join(head) + "\r\n\r\n" + body)
    os.link(path, os.path.join(maildir, "%07d.bench:2," % i))
print(from_hits, text_hits)
PY
)

echo "Starting Dovecot and Postillion"
PASSWORD_SCHEME=ARGON2ID bash "$root/load-tests/bench/dovecot-peer.sh" start "$work/dovecot" $dovecot_imap $dovecot_pop3 "$password"
java -Dpostillion.data-dir="$work/data" -Dpostillion.hostname=postillion.bench \
     -Dpostillion.smtp.mx.bind=127.0.0.1 -Dpostillion.smtp.mx.port=0 \
     -Dpostillion.smtp.submission.port=0 -Dpostillion.smtp.submissions.port=0 \
     -Dpostillion.imap.plain.bind=127.0.0.1 -Dpostillion.imap.plain.port=$imap_port \
     -Dpostillion.imap.implicit-tls.port=0 -Dpostillion.pop3.plain.port=0 -Dpostillion.pop3.implicit-tls.port=0 -Dpostillion.managesieve.port=0 \
     -Dpostillion.imap.max-connections-per-client=100000 -Dpostillion.imap.max-connections-per-user=100000 \
     -Dpostillion.directory.password-hash.memory=64MiB -Dpostillion.directory.password-hash.iterations=3 \
     -Dpostillion.smtp.auth.lockout-after=2147483647 \
     -Dpostillion.admin.port=$admin_port -Dpostillion.admin.token=$token \
     -jar "$jar" > "$work/postillion.log" 2>&1 &
node_pid=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$admin_port/health" >/dev/null && break; sleep 0.5; done
api() { curl -sS --fail-with-body -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
api -X POST "http://127.0.0.1:$admin_port/api/v1/domains" -d '{"name":"bench.test"}' >/dev/null
api -X POST "http://127.0.0.1:$admin_port/api/v1/domains/bench.test/addresses" \
    -d "{\"localPart\":\"reader\",\"password\":\"$password\",\"type\":\"mailbox\"}" >/dev/null

# One phase of MailboxBenchSimulation against the IMAP port $1; its output in $work/$2.out.
gatling() {
  local port=$1 name=$2; shift 2
  (cd "$root" && ./mvnw -B -o -pl load-tests gatling:test \
      -Dgatling.simulationClass=dev.postillion.loadtest.bench.MailboxBenchSimulation \
      -Dtarget.imap="127.0.0.1:$port" -Dbench.user="$user" -Dbench.password="$password" \
      -Dbench.messages="$messages" -Dbench.bodies="$bodies" -Dbench.logins="$logins" \
      -Dbench.from-hits="$from_hits" -Dbench.text-hits="$text_hits" "$@") > "$work/$name.out" 2>&1
}

echo "Delivering them to Postillion over IMAP APPEND"
gatling $imap_port deliver -Dbench.phase=deliver -Dbench.sessions=20 -Dbench.messages-dir="$work/messages" \
  || { tail -50 "$work/deliver.out" >&2; exit 1; }
append_seconds=$(grep '^measured: appended' "$work/deliver.out" | tail -1 | awk '{ print $3 / 1000 }')

# What server $1 holds, in KiB: Postillion's live Java heap after a full GC; Dovecot's PSS and RSS.
memory() {
  if [ "$1" = postillion ]; then
    jcmd "$node_pid" GC.run >/dev/null
    echo "$(jcmd "$node_pid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9) 0"
  else
    bash "$root/load-tests/bench/dovecot-peer.sh" memory "$work/dovecot" | awk '{ print $2, $1 }'
  fi
}

for server in postillion dovecot; do
  port=$([ $server = postillion ] && echo $imap_port || echo $dovecot_imap)
  echo "$server: warm-up, logins, fetches and searches"
  gatling "$port" "$server-measure" -Dbench.phase=measure -Dbench.sessions="$sessions" \
    || { tail -60 "$work/$server-measure.out" >&2; exit 1; }
  echo "$server: $connections idle connections"
  read -r held_before rss_before < <(memory $server)
  rm -f "$work/ready" "$work/go"
  gatling "$port" "$server-idle" -Dbench.phase=idle -Dbench.connections="$connections" \
      -Dbench.ready-file="$work/ready" -Dbench.go-file="$work/go" &
  gatling_pid=$!
  until [ -f "$work/ready" ]; do
    kill -0 "$gatling_pid" 2>/dev/null || { tail -60 "$work/$server-idle.out" >&2; exit 1; }
    sleep 0.5
  done
  read -r held_after rss_after < <(memory $server)
  touch "$work/go"
  wait "$gatling_pid" || { tail -60 "$work/$server-idle.out" >&2; exit 1; }
  gatling_pid=
  echo "idle: $held_before $held_after $rss_before $rss_after" >> "$work/$server-measure.out"
done

python3 - "$work" "$messages" "$connections" "$sessions" "$append_seconds" <<'PY'
import sys
work, messages, connections, sessions, append_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
def read(server):
    runs, idle = {}, None
    for line in open("%s/%s-measure.out" % (work, server)):
        if line.startswith("measured: "):
            what, ms, items, octets = line.split()[1:5]
            runs.setdefault(what, []).append((float(ms), int(items), int(octets)))
        elif line.startswith("idle: "):
            idle = [int(x) for x in line.split()[1:5]]
    return runs, idle
def median(runs, what):
    """The middle round by time (of an even number, the later of the two middle ones)."""
    return sorted(runs[what])[len(runs[what]) // 2]
figures = {}
for server in ("postillion", "dovecot"):
    runs, idle = read(server)
    ms, items, _ = runs["logins"][-1]
    row = {"logins": items / ms * 1000}
    row["headers"] = median(runs, "headers")[0]
    ms, items, octets = median(runs, "bodies")
    row["bodies MB"] = octets / 1e6 / (ms / 1000)
    row["bodies msgs"] = items / (ms / 1000)
    for search in ("search-from", "search-text", "search-unseen"):
        row[search] = median(runs, search)[0]
    row["held"] = (idle[1] - idle[0]) / connections
    row["rss"] = (idle[3] - idle[2]) / connections
    figures[server] = row
p, d = figures["postillion"], figures["dovecot"]
bodies = min(messages, 2000)
print()
print("Postillion took the %d messages by IMAP APPEND (20 connections) at %.0f msg/s" % (messages, messages / append_seconds))
print("| measure (%d messages in INBOX) | Postillion | Dovecot | Postillion's advantage |" % messages)
print("|---|---|---|---|")
def line(label, key, unit, fmt, higher_better=True):
    """The advantage: how many times the rate, or how many times less time or memory, above 1 where Postillion wins."""
    better, worse = (p[key], d[key]) if higher_better else (d[key], p[key])
    ratio = better / worse if worse > 0 else float("nan")
    print("| %s | %s %s | %s %s | %.2fx |" % (label, fmt % p[key], unit, fmt % d[key], unit, ratio))
line("login rate, %s sessions (LOGIN + LOGOUT)" % sessions, "logins", "logins/s", "%.0f")
line("FETCH 1:1000 BODY.PEEK[HEADER]", "headers", "ms", "%.0f", False)
line("FETCH 1:%d BODY.PEEK[] (full messages)" % bodies, "bodies MB", "MB/s", "%.1f")
line("same, in messages", "bodies msgs", "msg/s", "%.0f")
line('SEARCH FROM "alice"', "search-from", "ms", "%.0f", False)
line('SEARCH TEXT "zebra"', "search-text", "ms", "%.0f", False)
line("SEARCH UNSEEN", "search-unseen", "ms", "%.0f", False)
line("memory per idle connection (%d, INBOX selected): Postillion's live heap, Dovecot's PSS" % connections,
     "held", "KiB", "%.1f", False)
print("Dovecot's resident size (RSS, shared pages counted in every process) grew by %.0f KiB a connection" % d["rss"])
PY
