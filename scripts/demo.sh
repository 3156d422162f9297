#!/usr/bin/env bash
# One command: install, migrate SQLite, seed demo data on first run, serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export AGORA_DATA_DIR=${AGORA_DATA_DIR:-$PWD/var}
.venv/bin/agora migrate --noinput -v0
.venv/bin/agora collectstatic --noinput -v0
.venv/bin/agora seed --if-empty
exec .venv/bin/agora serve "$@"
