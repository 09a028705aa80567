#!/bin/bash
# A throwaway PostgreSQL cluster for tests and local development: initdb into a folder of its own, listening on
# 127.0.0.1 only, run as the unprivileged `postgres` user (PostgreSQL refuses to run as root).
#
#   scripts/services/postgres.sh start   # idempotent: reuses the running cluster of this folder, else starts one
#   scripts/services/postgres.sh stop    # stops this folder's cluster (pg_ctl stop -m fast) and nothing else
#   scripts/services/postgres.sh status
#
# Environment:
#   SIGNET_PG_DIR   the cluster's folder (default /tmp/signet-pg); data in $SIGNET_PG_DIR/data
#   SIGNET_PG_PORT  the port (default: the cluster's previous port, else a free one in 20000-39999)
#   SIGNET_PG_USER  the OS user that runs the server (default postgres; created when missing)
# Prints one line at the end: `READY url=postgres://signet:signet@127.0.0.1:<port>/postgres dir=<...>`.
# Installs the `postgresql` Debian package when no /usr/lib/postgresql/*/bin/initdb exists (needs root).
set -euo pipefail

D=${SIGNET_PG_DIR:-/tmp/signet-pg}
OS_USER=${SIGNET_PG_USER:-postgres}
DB_USER=signet
DB_PASSWORD=signet

log() { echo "postgres.sh: $*" >&2; }

bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] && dirname "$initdb"
}

install_packages() {
  [ -n "$(bin_dir)" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed; run as root or: apt-get install postgresql"
    exit 1
  fi
  log "installing postgresql (Debian package)..."
  apt-get update -qq >&2
  # The package's post-install creates and starts a system cluster on 5432; ours is separate and does not need it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

as_user() {
  if [ "$(id -un)" = "$OS_USER" ]; then "$@"; else runuser -u "$OS_USER" -- "$@"; fi
}

ensure_user() {
  id -u "$OS_USER" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { log "user $OS_USER does not exist"; exit 1; }
  useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then echo "$port"; return 0; fi
  done
  log "no free port found"
  exit 1
}

url() { echo "postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$1/postgres"; }

running_port() {
  local bin
  bin=$(bin_dir) || return 1
  [ -f "$D/data/postmaster.pid" ] || return 1
  as_user "$bin/pg_ctl" -D "$D/data" status >/dev/null 2>&1 || return 1
  # Line 4 of postmaster.pid is the port.
  sed -n 4p "$D/data/postmaster.pid"
}

start_cluster() {
  install_packages
  ensure_user
  local bin port
  bin=$(bin_dir)
  if port=$(running_port) && { [ -z "${SIGNET_PG_PORT:-}" ] || [ "$SIGNET_PG_PORT" = "$port" ]; }; then
    echo "READY url=$(url "$port") dir=$D"
    return 0
  fi
  stop_cluster
  port=${SIGNET_PG_PORT:-$(free_port)}
  rm -rf "$D"
  mkdir -p "$D"
  chown "$OS_USER" "$D"
  chmod 700 "$D"
  printf '%s\n' "$DB_PASSWORD" >"$D/pwfile"
  chown "$OS_USER" "$D/pwfile"
  as_user "$bin/initdb" -D "$D/data" --username="$DB_USER" --pwfile="$D/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$D/initdb.log" 2>&1 ||
    { cat "$D/initdb.log" >&2; exit 1; }
  rm -f "$D/pwfile"
  # Throwaway: no durability needed, so skip fsync; sockets in our own folder, TCP on loopback only.
  as_user "$bin/pg_ctl" -D "$D/data" -l "$D/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$D -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$D/server.log" >&2; exit 1; }
  echo "READY url=$(url "$port") dir=$D"
}

stop_cluster() {
  local bin
  bin=$(bin_dir) || return 0
  [ -f "$D/data/postmaster.pid" ] || return 0
  as_user "$bin/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  status)
    if port=$(running_port); then echo "READY url=$(url "$port") dir=$D"; else echo "STOPPED dir=$D"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
