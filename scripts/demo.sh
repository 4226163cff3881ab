#!/usr/bin/env bash
# Start the app with fictional demo data on the embedded SQLite database
# (instance/vios.db, kept between runs). Open http://127.0.0.1:8050
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup-env.sh"
vios db upgrade
vios seed demo --if-empty
exec vios serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8050}"
