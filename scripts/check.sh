#!/usr/bin/env bash
# The fast check for developers, before a commit: lint (ruff), types (mypy), then the unit and db test
# layers without the slow tests (pytest -m "not browser and not slow": no Chromium, no real servers;
# the PostgreSQL tests run only when VIOS_TEST_POSTGRES_URL is set). Runs all three and exits non-zero when any failed. Arguments go to pytest, e.g. -x or a file.
# The whole suite, browser and PostgreSQL tests included, is scripts/test.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh"

failed=()
step() {
  local name=$1 started=$SECONDS
  shift
  echo "check.sh: $name: $*"
  if "$@"; then
    echo "check.sh: $name passed ($((SECONDS - started)) s)"
  else
    echo "check.sh: $name FAILED ($((SECONDS - started)) s)"
    failed+=("$name")
  fi
}

step ruff python -m ruff check .
step mypy python -m mypy .
step pytest python -m pytest -m "not browser and not slow" -q -p no:cacheprovider "$@"

if [ ${#failed[@]} -gt 0 ]; then
  echo "check.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "check.sh: all passed"
