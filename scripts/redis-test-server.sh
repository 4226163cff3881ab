#!/usr/bin/env bash
# A throwaway Redis server for the tests that use Redis (cache, Celery background callbacks) and the
# load benchmark: redis-server in a new temp dir, only on 127.0.0.1:<first free port from 56379>, no
# persistence, stopped and deleted afterwards. The system service is not used.
#
#   source scripts/redis-test-server.sh       exports VIOS_TEST_REDIS_URL; the server is stopped and deleted
#                                             when the sourcing shell exits (EXIT trap, added to any existing
#                                             one); returns non-zero, exporting nothing, when it cannot start
#   bash scripts/redis-test-server.sh CMD...  runs CMD with VIOS_TEST_REDIS_URL set, then stops it
#
# REDIS_SERVER=/path/to/redis-server picks the binary; VIOS_REDIS_PORT the first port to try.

_vios_redis_log() { echo "redis-test-server: $*" >&2; }
_vios_redis_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_vios_redis_stop() {
  if [ -n "${_VIOS_REDIS_DIR:-}" ] && [ -d "$_VIOS_REDIS_DIR" ]; then
    if [ -f "$_VIOS_REDIS_DIR/redis.pid" ]; then
      kill "$(cat "$_VIOS_REDIS_DIR/redis.pid")" 2>/dev/null || true
      for _ in $(seq 50); do [ -f "$_VIOS_REDIS_DIR/redis.pid" ] || break; sleep 0.1; done
    fi
    rm -rf "$_VIOS_REDIS_DIR" 2>/dev/null || true
  fi
  _VIOS_REDIS_DIR=
  return 0
}

_vios_redis_start() {
  local bin="${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}" port last
  if [ ! -x "$bin" ]; then
    _vios_redis_log "no redis-server found; install Debian's 'redis-server' package"
    return 1
  fi
  _VIOS_REDIS_DIR="$(mktemp -d /tmp/vios-redis.XXXXXX)" || return 1
  port="${VIOS_REDIS_PORT:-56379}"
  last=$((port + 50))
  while [ "$port" -le "$last" ]; do
    if ! _vios_redis_port_busy "$port"; then
      "$bin" --bind 127.0.0.1 --port "$port" --dir "$_VIOS_REDIS_DIR" --daemonize yes \
        --pidfile "$_VIOS_REDIS_DIR/redis.pid" --logfile "$_VIOS_REDIS_DIR/redis.log" \
        --save "" --appendonly no --protected-mode yes >/dev/null 2>&1
      for _ in $(seq 50); do _vios_redis_port_busy "$port" && break; sleep 0.1; done
      if _vios_redis_port_busy "$port" && [ -f "$_VIOS_REDIS_DIR/redis.pid" ]; then
        export VIOS_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
        _vios_redis_log "$("$bin" --version | cut -d' ' -f1-3) on 127.0.0.1:$port (in $_VIOS_REDIS_DIR, deleted on exit)"
        return 0
      fi
    fi
    port=$((port + 1))
  done
  _vios_redis_log "the server did not start:"; tail -n 20 "$_VIOS_REDIS_DIR/redis.log" >&2 2>/dev/null
  _vios_redis_stop
  return 1
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  if _vios_redis_start; then
    # keep an EXIT trap set before (scripts/pg-test-server.sh sets one)
    _vios_redis_prev_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
    trap "_vios_redis_stop; ${_vios_redis_prev_trap:-:}" EXIT
  else
    unset VIOS_TEST_REDIS_URL
    false
  fi
else
  set -uo pipefail
  trap _vios_redis_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  _vios_redis_start || exit 1
  if [ $# -gt 0 ]; then
    "$@"
  else
    echo "export VIOS_TEST_REDIS_URL=$VIOS_TEST_REDIS_URL"
    echo "redis-test-server: Ctrl-C stops and deletes the server" >&2
    while sleep 1; do :; done
  fi
fi
