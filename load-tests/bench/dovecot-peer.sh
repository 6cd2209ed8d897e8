#!/usr/bin/env bash
# Starts (or stops) Debian's Dovecot (dovecot-imapd, dovecot-pop3d, 2.3) as a reference IMAP and
# POP3 server on loopback, unprivileged and outside the system's configuration: its settings,
# state, sockets, logs and maildirs all live in DIR. The load-tests' own tests start it through
# this script too, so there is one way to run Dovecot here.
#
#   [PASSWORD_SCHEME=ARGON2ID] dovecot-peer.sh start DIR IMAP_PORT POP3_PORT [PASSWORD=pass]
#       Every user DIR/mail/<user>/ holds (a Maildir: cur/, new/, tmp/, created if missing) logs in
#       with PASSWORD; plain-text logins are allowed, as Postillion allows them from loopback.
#       Dovecot compares the password as it is, unless PASSWORD_SCHEME names one of its schemes:
#       then it checks a hash of it made by `doveadm pw -s SCHEME` (ARGON2ID: m=64 MiB, t=3, p=1).
#       Waits until both ports listen.
#   dovecot-peer.sh stop DIR
#   dovecot-peer.sh memory DIR  the memory of all its processes together, in KiB: resident (RSS, the
#                               pages they share counted in each) and proportional (PSS, shared
#                               pages divided among their sharers: what the processes cost)
#
# What it takes to run Dovecot without the system's configuration (found on Debian 12): the
# login processes refuse to run as root and mail is never read as root, so as root they run as
# nobody and DIR/mail is given to uid 65534; no chroot for the login and anvil processes;
# first_valid_uid lowered so that system users pass; the internal group set to the user's own (a
# master not run as root cannot give its sockets to the "dovecot" group).
set -euo pipefail
cmd=${1:?start, stop or rss}; dir=${2:?the directory}
master_pid() { cat "$dir/run/master.pid" 2>/dev/null || true; }
case "$cmd" in
start)
  imap_port=${3:?IMAP port}; pop3_port=${4:?POP3 port}; password=${5:-pass}
  if [ -n "${PASSWORD_SCHEME:-}" ]; then
    password=$(doveadm pw -s "$PASSWORD_SCHEME" -p "$password")
  fi
  mkdir -p "$dir/mail" "$dir/run" "$dir/state"
  for maildir in "$dir"/mail/*/; do
    [ -d "$maildir" ] && mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"
  done
  user=$(id -un); group=$(id -gn); uid=$(id -u); gid=$(id -g)
  if [ "$uid" = 0 ]; then
    user=nobody; group=$(getent group 65534 | cut -d: -f1); uid=65534; gid=65534
    chown -R 65534:65534 "$dir/mail"
  fi
  chmod 755 "$dir"
  cat > "$dir/dovecot.conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# a refused login is answered at once (2 s by default): the tests refuse some on purpose
auth_failure_delay = 0
default_internal_user = $user
default_login_user = $user
default_internal_group = $group
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:$dir/mail/%u
# a benchmark opens hundreds of connections of one user from one address
mail_max_userip_connections = 10000
default_client_limit = 10000
default_process_limit = 2000
passdb {
  driver = static
  args = "password=$password"
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = $pop3_port
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
  dovecot -c "$dir/dovecot.conf"
  for _ in $(seq 100); do
    if ss -ltn | grep -q "127.0.0.1:$imap_port " && ss -ltn | grep -q "127.0.0.1:$pop3_port "; then exit 0; fi
    sleep 0.1
  done
  echo "dovecot-peer: not listening on $imap_port/$pop3_port; its log:" >&2
  cat "$dir/dovecot.log" >&2 2>/dev/null || true
  exit 1 ;;
stop)
  pid=$(master_pid)
  [ -n "$pid" ] || exit 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true ;;
memory)
  pid=$(master_pid)
  [ -n "$pid" ] || { echo 0 0; exit 0; }
  # the master and everything it started (login, auth, imap and pop3 processes)
  for process in $(ps -o pid= -p "$pid" --ppid "$pid"); do
    awk '/^Rss:/ { rss = $2 } /^Pss:/ { pss = $2 } END { print rss + 0, pss + 0 }' "/proc/$process/smaps_rollup" 2>/dev/null || true
  done | awk '{ rss += $1; pss += $2 } END { print rss + 0, pss + 0 }' ;;
*)
  echo "usage: dovecot-peer.sh start DIR IMAP_PORT POP3_PORT [PASSWORD] | stop DIR | memory DIR" >&2; exit 2 ;;
esac
