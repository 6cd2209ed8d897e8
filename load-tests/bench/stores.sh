# Sourced by the benchmarks: which shared store a benchmark's Postillion node runs on. STORES names
# the backends to measure, one run each in the same benchmark (default "rocksdb"; "rocksdb
# postgresql" compares them). PostgreSQL is a throwaway server from Debian's packages under the
# benchmark's work directory (deploy/postgres.sh), one fresh database per run.

# shellcheck source=../../deploy/postgres.sh
source "$root/deploy/postgres.sh"

stores=${STORES:-rocksdb}
bench_pg_port=25432

# The JVM options that put a node on backend $1 with database $2 (for postgresql), starting the
# server under $work/pg when it is not running yet.
store_options() {
  case "$1" in
    rocksdb) ;;
    postgresql)
      # The postgres user must reach the directory, under root too.
      chmod 755 "$work"
      postgres_start "$work/pg" "$bench_pg_port" "$2" bench >/dev/null
      echo "-Dpostillion.store.backend=postgresql" \
           "-Dpostillion.store.postgresql.url=jdbc:postgresql://127.0.0.1:$bench_pg_port/$2" \
           "-Dpostillion.store.postgresql.user=bench"
      ;;
    *) echo "STORES takes rocksdb and postgresql, not $1" >&2; exit 2 ;;
  esac
}

stores_cleanup() {
  postgres_stop "$work/pg" >/dev/null 2>&1 || true
}
