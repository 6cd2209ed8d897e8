# Sourced by the benchmarks: which shared store a benchmark's Postillion node runs on. STORES names
# the backends to measure, one run each in the same benchmark (default "rocksdb"; "rocksdb
# postgresql" compares them). PostgreSQL is a throwaway server from Debian's packages under the
# benchmark's work directory (deploy/postgres.sh), one fresh database per run.

# shellcheck source=../../deploy/postgres.sh
source "$root/deploy/postgres.sh"

stores=${STORES:-rocksdb}
bench_pg_port=25432

# Readies backend $1 with database $2: for postgresql, starts the server under $work/pg unless it
# runs, and creates the database. Called outside $(...), so that a failure stops the benchmark.
store_prepare() {
  case "$1" in
    rocksdb) ;;
    postgresql)
      # The postgres user must reach the directory, under root too.
      chmod 755 "$work"
      postgres_start "$work/pg" "$bench_pg_port" "$2" bench >/dev/null
      ;;
    *) echo "STORES takes rocksdb and postgresql, not $1" >&2; exit 2 ;;
  esac
}

# The JVM options that put a node on backend $1 with database $2, readied by store_prepare.
store_options() {
  if [ "$1" = postgresql ]; then
    echo "-Dpostillion.store.backend=postgresql" \
         "-Dpostillion.store.postgresql.url=jdbc:postgresql://127.0.0.1:$bench_pg_port/$2" \
         "-Dpostillion.store.postgresql.user=bench"
  fi
}

# CPU seconds used so far by process $1 and its children that ended (for PostgreSQL's postmaster:
# every backend it has run), from /proc (utime, stime, cutime, cstime).
cpu_seconds() {
  awk -v tick="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / tick }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The PostgreSQL server's CPU seconds so far: its postmaster's, with its backends', and those still
# running; 0 when it does not run.
postgres_cpu_seconds() {
  local postmaster total=0 pid
  postmaster=$(head -1 "$work/pg/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  total=$(cpu_seconds "$postmaster")
  for pid in $(pgrep -P "$postmaster"); do total=$(echo "$total + $(cpu_seconds "$pid")" | bc -l); done
  echo "$total"
}

stores_cleanup() {
  postgres_stop "$work/pg" >/dev/null 2>&1 || true
}
