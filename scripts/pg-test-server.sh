#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests/test_postgres.py.
#
# initdb in a new temp dir (owned by the 'postgres' user when run as root: initdb refuses root),
# listening only on a unix socket in that dir and on 127.0.0.1:<first free port from 55432>,
# trust authentication, fsync off, one database 'vios_test'. The system service is not used.
#
#   source scripts/pg-test-server.sh       exports VIOS_TEST_POSTGRES_URL; the server is stopped and
#                                          deleted when the sourcing shell exits (EXIT trap); returns
#                                          non-zero, exporting nothing, when no server could be started
#   bash scripts/pg-test-server.sh CMD...  runs CMD with VIOS_TEST_POSTGRES_URL set, then stops it
#   bash scripts/pg-test-server.sh         prints the URL and keeps the server until Ctrl-C
#
# PG_BIN=/path/to/bin picks the binaries (default: the newest /usr/lib/postgresql/*/bin, else PATH);
# VIOS_PG_PORT the first port to try.

_vios_pg_log() { echo "pg-test-server: $*" >&2; }

# Run a command as the cluster owner.
_vios_pg_as_owner() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u "$_VIOS_PG_USER" -- "$@"
  else
    su -s /bin/sh "$_VIOS_PG_USER" -c 'exec "$0" "$@"' -- "$@"
  fi
}

_vios_pg_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stop the server and delete its directory; never fails (it runs from an EXIT trap).
_vios_pg_stop() {
  if [ -n "${_VIOS_PG_DIR:-}" ] && [ -d "$_VIOS_PG_DIR" ]; then
    if [ -f "$_VIOS_PG_DIR/data/postmaster.pid" ]; then
      _vios_pg_as_owner "$_VIOS_PG_BIN/pg_ctl" -D "$_VIOS_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 ||
        _vios_pg_log "could not stop the server in $_VIOS_PG_DIR"
    fi
    rm -rf "$_VIOS_PG_DIR" 2>/dev/null || true
  fi
  _VIOS_PG_DIR=
  return 0
}

_vios_pg_start() {
  local bin port log
  if [ -n "${PG_BIN:-}" ]; then
    bin="$PG_BIN"
  else
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
      bin="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")"
    fi
  fi
  if [ ! -x "$bin/pg_ctl" ] || [ ! -x "$bin/initdb" ]; then
    _vios_pg_log "no PostgreSQL server binaries (initdb, pg_ctl) found; install Debian's 'postgresql' package"
    return 1
  fi
  _VIOS_PG_BIN="$bin"

  _VIOS_PG_USER="$(id -un)"
  if [ "$(id -u)" = 0 ]; then
    _VIOS_PG_USER=postgres
    if ! id postgres >/dev/null 2>&1; then
      _vios_pg_log "running as root but there is no 'postgres' user to own the cluster"
      return 1
    fi
  fi

  # /tmp, not $TMPDIR: the socket path must stay short (about 100 bytes at most).
  _VIOS_PG_DIR="$(mktemp -d /tmp/vios-pg.XXXXXX)" || return 1
  chmod 700 "$_VIOS_PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown "$_VIOS_PG_USER:" "$_VIOS_PG_DIR" || { _vios_pg_stop; return 1; }; fi
  log="$_VIOS_PG_DIR/server.log"

  if ! _vios_pg_as_owner "$bin/initdb" -D "$_VIOS_PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C \
      --no-sync >"$_VIOS_PG_DIR/initdb.log" 2>&1; then
    _vios_pg_log "initdb failed:"; tail -n 20 "$_VIOS_PG_DIR/initdb.log" >&2
    _vios_pg_stop; return 1
  fi
  # Durability is pointless for a throwaway cluster. The time zone is the one a Dutch
  # installation has, so timestamps do not pass only because server and UTC agree.
  _vios_pg_as_owner sh -c "cat >> '$_VIOS_PG_DIR/data/postgresql.conf'" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$_VIOS_PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'Europe/Amsterdam'
EOF

  port="${VIOS_PG_PORT:-55432}"
  local last=$((port + 50)) started=
  while [ "$port" -le "$last" ]; do
    if ! _vios_pg_port_busy "$port"; then
      if _vios_pg_as_owner "$bin/pg_ctl" -D "$_VIOS_PG_DIR/data" -l "$log" -w -t 60 -o "-p $port" start \
          >/dev/null 2>&1; then
        started=1; break
      fi
      grep -q "could not bind\|could not create any TCP/IP sockets\|already in use" "$log" 2>/dev/null || break
    fi
    port=$((port + 1))
  done
  if [ -z "$started" ]; then
    _vios_pg_log "the server did not start:"; tail -n 20 "$log" >&2 2>/dev/null
    _vios_pg_stop; return 1
  fi
  # ICU Dutch collation, as a Dutch production database would sort text (not byte order);
  # plain UTF-8/C when this PostgreSQL has no ICU (before 15, or built without it).
  if ! _vios_pg_as_owner "$bin/psql" -X -q -h "$_VIOS_PG_DIR" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE vios_test TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'nl-NL'" \
        >/dev/null 2>&1 &&
     ! _vios_pg_as_owner "$bin/createdb" -h "$_VIOS_PG_DIR" -p "$port" -U postgres vios_test; then
    _vios_pg_log "could not create the database vios_test"
    _vios_pg_stop; return 1
  fi
  export VIOS_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/vios_test"
  _vios_pg_log "$("$bin/postgres" --version) on 127.0.0.1:$port (data in $_VIOS_PG_DIR, deleted on exit)"
  return 0
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced
  if _vios_pg_start; then
    trap _vios_pg_stop EXIT
  else
    unset VIOS_TEST_POSTGRES_URL
    false
  fi
else
  set -uo pipefail
  trap _vios_pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  _vios_pg_start || exit 1
  if [ $# -gt 0 ]; then
    "$@"
  else
    echo "export VIOS_TEST_POSTGRES_URL=$VIOS_TEST_POSTGRES_URL"
    echo "pg-test-server: Ctrl-C stops and deletes the server" >&2
    while sleep 1; do :; done
  fi
fi
