#!/usr/bin/env bash
# A streaming replica of the local cluster on RESEAU_PG_PORT + 100: start | status | stop | remove.
# See bench/replica.py and docs/deployment.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${VENV:-.venv}/bin/python" -m bench.replica "$@"
