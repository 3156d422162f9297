#!/usr/bin/env bash
# The whole test suite (unit, API, web, browser). DATABASE_URL picks the database (SQLite by
# default); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "could not install chromium; browser tests will be skipped (or fail under CI=true)"
fi
export AGORA_DATA_DIR=${AGORA_DATA_DIR:-$(mktemp -d)}
exec .venv/bin/python -m pytest "$@"
