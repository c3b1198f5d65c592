#!/usr/bin/env bash
# `make bench`: installs the benchmark's tools (wrk from apt, tipg + py-spy in bench/.venv-tipg, never in
# the app's environment), starts the local cluster, then runs bench/run.py with the project venv.
# Quick run: BENCH_SIZES=10000 BENCH_DURATION=5 make bench   (see bench/README.md for every setting)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
TIPG_VENV=bench/.venv-tipg
TIPG_VERSION="${TIPG_VERSION:-1.6.1}"
PY_SPY_VERSION="${PY_SPY_VERSION:-0.4.3}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "wrk is missing: sudo apt-get install -y wrk, then make bench again." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi

if [ ! -x "$TIPG_VENV/bin/uvicorn" ] || ! "$TIPG_VENV/bin/python" -c "import tipg, sys; sys.exit(tipg.__version__ != '$TIPG_VERSION')" 2>/dev/null; then
  python3 -m venv "$TIPG_VENV"
  "$TIPG_VENV/bin/python" -m pip install -q --upgrade pip
  "$TIPG_VENV/bin/python" -m pip install -q "tipg==$TIPG_VERSION" uvicorn "py-spy==$PY_SPY_VERSION"
fi

"$VENV/bin/reseau-api" db up
exec "$VENV/bin/python" -m bench.run
