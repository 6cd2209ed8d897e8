#!/usr/bin/env bash
# A Postillion cluster on this machine in one command: a PostgreSQL server from Debian's packages
# (initdb and pg_ctl in a state directory, no system service) and three nodes on loopback sharing
# it (postillion.store.backend = postgresql), each with its own data directory (its queue).
#
#   deploy/local-cluster.sh start     # needs mta/target/postillion.jar: ./mvnw -B -DskipTests package
#   deploy/local-cluster.sh status    # PostgreSQL, and each node's /health
#   deploy/local-cluster.sh stop      # SIGTERM to the nodes (each finishes its sessions), then PostgreSQL
#
# State, logs and configuration under $POSTILLION_CLUSTER_DIR (default /tmp/postillion-local-cluster);
# a stop keeps them, so the next start finds the same mailboxes and queues. Remove the directory to
# start afresh. JAVA_OPTS is passed to each node's JVM (default -Xmx1g).
#
# Node n (1, 2, 3): SMTP MX on n2525, submission on n2587, submissions on n2465, admin API on
# 127.0.0.1:808n, cluster (Pekko remoting) on 2552n. PostgreSQL on 127.0.0.1:55432.
set -euo pipefail

NODES=(1 2 3)
PG_PORT=55432
DB=postillion
DB_USER=postillion
root=$(cd "$(dirname "$0")/.." && pwd)
jar=${POSTILLION_JAR:-$root/mta/target/postillion.jar}
dir=${POSTILLION_CLUSTER_DIR:-/tmp/postillion-local-cluster}

mx_port() { echo "${1}2525"; }
admin_port() { echo "808$1"; }
cluster_port() { echo "2552$1"; }

# shellcheck source=postgres.sh
source "$root/deploy/postgres.sh"

start_postgres() { postgres_start "$dir/pg" "$PG_PORT" "$DB" "$DB_USER"; }

# The secrets every node of a cluster must share: the admin token, the SRS secret and the DKIM
# master key (the directory, DKIM keys and the rest live in PostgreSQL). Made once, kept.
make_secrets() {
    mkdir -p "$dir/secrets"
    chmod 700 "$dir/secrets"
    local secret
    for secret in admin-token srs-secret dkim-master.key; do
        if [ ! -s "$dir/secrets/$secret" ]; then
            (umask 077 && head -c 32 /dev/urandom | base64 >"$dir/secrets/$secret")
        fi
    done
}

seed_nodes() {
    local n seeds=()
    for n in "${NODES[@]}"; do seeds+=("\"pekko://postillion@127.0.0.1:$(cluster_port "$n")\""); done
    (IFS=,; echo "[${seeds[*]}]")
}

write_config() {
    local n=$1
    mkdir -p "$dir/node$n"
    cat >"$dir/node$n.conf" <<EOF
# Node $n of the local cluster, written by deploy/local-cluster.sh.
postillion {
  hostname = "mx$n.local-cluster.test"
  data-dir = "$dir/node$n/data"
  smtp {
    mx { bind = "127.0.0.1", port = $(mx_port "$n") }
    submission { bind = "127.0.0.1", port = ${n}2587 }
    submissions { bind = "127.0.0.1", port = ${n}2465 }
  }
  imap {
    plain { bind = "127.0.0.1", port = ${n}2143 }
    implicit-tls { bind = "127.0.0.1", port = ${n}2993 }
  }
  pop3 {
    plain { bind = "127.0.0.1", port = ${n}2110 }
    implicit-tls { bind = "127.0.0.1", port = ${n}2995 }
  }
  managesieve { bind = "127.0.0.1", port = ${n}4190 }
  admin { bind = "127.0.0.1", port = $(admin_port "$n") }
  cluster {
    hostname = "127.0.0.1"
    port = $(cluster_port "$n")
    seed-nodes = $(seed_nodes)
    node-name = "node$n"
  }
  store {
    backend = postgresql
    postgresql { url = "jdbc:postgresql://127.0.0.1:$PG_PORT/$DB", user = "$DB_USER" }
  }
  srs.secret = "$(cat "$dir/secrets/srs-secret")"
  dkim.master-key = "$dir/secrets/dkim-master.key"
}
EOF
    chmod 600 "$dir/node$n.conf"
}

# The pid of node n while it runs (the pid file names a java process of this jar), else nothing.
node_pid() {
    local pid
    pid=$(cat "$dir/node$1.pid" 2>/dev/null) || return 0
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dconfig.file=$dir/node$1.conf"; then
        echo "$pid"
    fi
}

health() {
    local answer
    if answer=$(curl -s -m 5 -w ' (HTTP %{http_code})' "http://127.0.0.1:$(admin_port "$1")/health"); then
        echo "$answer"
    else
        echo "no answer"
    fi
}

await_health() {
    local n=$1 deadline=$((SECONDS + 180))
    until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$(admin_port "$n")/health"; do
        if [ -z "$(node_pid "$n")" ]; then
            echo "node $n stopped during its start; the end of $dir/node$n.log:" >&2
            tail -n 20 "$dir/node$n.log" >&2
            return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "node $n is not accepting after 180 s; see $dir/node$n.log" >&2
            return 1
        fi
        sleep 1
    done
}

start() {
    if [ ! -f "$jar" ]; then
        echo "no $jar: build it first with ./mvnw -B -DskipTests package" >&2
        exit 1
    fi
    mkdir -p "$dir"
    start_postgres
    make_secrets
    local n
    for n in "${NODES[@]}"; do
        if [ -n "$(node_pid "$n")" ]; then
            echo "node $n is already running (pid $(node_pid "$n"))"
            continue
        fi
        write_config "$n"
        # shellcheck disable=SC2086 # JAVA_OPTS holds several options
        POSTILLION_ADMIN_TOKEN=$(cat "$dir/secrets/admin-token") nohup java ${JAVA_OPTS:--Xmx1g} \
            "-Dconfig.file=$dir/node$n.conf" -jar "$jar" >>"$dir/node$n.log" 2>&1 &
        echo $! >"$dir/node$n.pid"
    done
    for n in "${NODES[@]}"; do
        await_health "$n"
        echo "node $n: SMTP 127.0.0.1:$(mx_port "$n") (submission ${n}2587, ${n}2465)," \
            "IMAP ${n}2143 (TLS ${n}2993), POP3 ${n}2110 (TLS ${n}2995), ManageSieve ${n}4190," \
            "admin http://127.0.0.1:$(admin_port "$n"), log $dir/node$n.log"
    done
    echo "admin token: $dir/secrets/admin-token (the same on every node)"
}

stop() {
    local n pid pids=()
    for n in "${NODES[@]}"; do
        pid=$(node_pid "$n")
        if [ -n "$pid" ]; then
            # SIGTERM: the node stops accepting, lets its sessions finish and closes its store.
            kill -TERM "$pid"
            pids+=("$n:$pid")
        fi
    done
    local entry deadline=$((SECONDS + 120))
    for entry in "${pids[@]}"; do
        n=${entry%%:*}
        pid=${entry#*:}
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "node $n (pid $pid) has not stopped after 120 s; see $dir/node$n.log" >&2
        else
            echo "node $n stopped"
            rm -f "$dir/node$n.pid"
        fi
    done
    postgres_stop "$dir/pg"
    echo "state kept in $dir (remove it to start afresh)"
}

status() {
    if postgres_running "$dir/pg"; then
        echo "PostgreSQL: running on 127.0.0.1:$PG_PORT"
    else
        echo "PostgreSQL: stopped"
    fi
    local n pid
    for n in "${NODES[@]}"; do
        pid=$(node_pid "$n")
        echo "node $n: ${pid:+pid $pid, }/health $(health "$n"), log $dir/node$n.log"
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
