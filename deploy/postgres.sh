# PostgreSQL from Debian's packages as a throwaway server for one machine: initdb and pg_ctl in a
# state directory, no system service, trust on loopback only. Sourced by deploy/local-cluster.sh
# and the benchmarks in load-tests/bench; not a production database.
#
#   postgres_start DIR PORT DB USER   # creates DIR/data on first use, starts it, creates DB
#   postgres_stop DIR                 # a fast shutdown, if it runs
#   postgres_running DIR

# PostgreSQL refuses to run as root: under root its programs run as Debian's postgres user.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "PostgreSQL is not installed: apt-get install postgresql" >&2
        exit 1
    fi
    echo "$bin"
}

postgres_running() {
    [ -d "$1/data" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

postgres_start() {
    local dir=$1 port=$2 db=$3 user=$4 bin
    bin=$(pg_bin)
    if [ ! -d "$dir/data" ]; then
        mkdir -p "$dir"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
        if ! as_postgres test -w "$dir"; then
            echo "the postgres user cannot write $dir: choose a directory it can reach" >&2
            exit 1
        fi
        as_postgres "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --no-locale \
            >"$dir/initdb.log"
    fi
    if postgres_running "$dir"; then
        echo "PostgreSQL is already running on 127.0.0.1:$port"
    else
        as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k '$dir' -c listen_addresses=127.0.0.1" start >/dev/null
        echo "PostgreSQL on 127.0.0.1:$port (log $dir/server.log)"
    fi
    if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$db"
    fi
}

postgres_stop() {
    if postgres_running "$1"; then
        as_postgres "$(pg_bin)/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
        echo "PostgreSQL stopped"
    fi
}
