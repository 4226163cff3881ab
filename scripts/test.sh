#!/usr/bin/env bash
# The whole test suite, browser tests in headless Chromium and PostgreSQL tests included.
# Installs what it needs when missing: the venv, Chromium and chromedriver, PostgreSQL, Redis.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh"
apt_updated=
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  as_root apt-get update -qq
  apt_updated=1
  as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export DASH_TEST_CHROMEPATH="${DASH_TEST_CHROMEPATH:-$(command -v chromium)}"

# PostgreSQL: tests/test_postgres.py runs against a throwaway server (scripts/pg-test-server.sh),
# stopped and deleted when this script exits. A VIOS_TEST_POSTGRES_URL already set is used as is.
install_postgres() {
  # Debian's package would create (and may start) a 'main' cluster; the tests need neither.
  local conf=/etc/postgresql-common/createcluster.d/zz-vios-tests.conf rc=0
  as_root mkdir -p /etc/postgresql-common/createcluster.d &&
    echo "create_main_cluster = false" | as_root tee "$conf" >/dev/null || return 1
  { [ -n "$apt_updated" ] || as_root apt-get update -qq; } &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || rc=$?
  as_root rm -f "$conf" || true
  return $rc
}
if [ -z "${VIOS_TEST_POSTGRES_URL:-}" ]; then
  if ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
    echo "test.sh: installing PostgreSQL (Debian package 'postgresql') for tests/test_postgres.py" >&2
    install_postgres || echo "test.sh: apt-get install postgresql failed" >&2
  fi
  if ! source scripts/pg-test-server.sh; then
    export VIOS_TEST_POSTGRES_SKIP="scripts/test.sh could not install or start PostgreSQL (see its warnings)"
    echo "test.sh: WARNING: no PostgreSQL test server; the PostgreSQL tests will be SKIPPED." >&2
  fi
fi

# Redis: the cache and Celery tests (tests/test_shared_state.py) use a throwaway server
# (scripts/redis-test-server.sh, after the PostgreSQL one: its EXIT trap keeps theirs). A
# VIOS_TEST_REDIS_URL already set is used as is.
if [ -z "${VIOS_TEST_REDIS_URL:-}" ]; then
  if ! command -v redis-server >/dev/null; then
    echo "test.sh: installing Redis (Debian package 'redis-server') for the Redis tests" >&2
    { [ -n "$apt_updated" ] || as_root apt-get update -qq; } &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null ||
      echo "test.sh: apt-get install redis-server failed" >&2
  fi
  if ! source scripts/redis-test-server.sh; then
    export VIOS_TEST_REDIS_SKIP="scripts/test.sh could not install or start Redis (see its warnings)"
    echo "test.sh: WARNING: no Redis test server; the Redis tests will be SKIPPED." >&2
  fi
fi

# Lint and types first (the same as scripts/check.sh); the tests run either way, the exit code reports both.
status=0
python -m ruff check . || status=1
python -m mypy . || status=1
python -m pytest --headless "$@" || status=$?
exit $status
