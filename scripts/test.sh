#!/usr/bin/env bash
# The whole test suite, browser tests in headless Chromium included.
# Installs what it needs when missing: the venv, Chromium and chromedriver.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export DASH_TEST_CHROMEPATH="${DASH_TEST_CHROMEPATH:-$(command -v chromium)}"
exec python -m pytest --headless "$@"
