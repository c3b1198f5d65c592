#!/usr/bin/env bash
# Installs what reseau-api needs on a Debian/Ubuntu machine: PostgreSQL + PostGIS (only when the
# local cluster is used, i.e. DATABASE_URL is unset), then a virtual environment with the project.
# As root, missing system packages come from apt-get; otherwise this names the packages to install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
missing=()

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: $*" >&2
    echo "Install them (sudo apt-get install -y $*) and run make again." >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

pg_version() {
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1
}

# Python 3.11+ with venv support.
if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  apt_install python3 python3-venv
fi
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  apt_install python3-venv
fi

# PostgreSQL server + PostGIS + contrib (pg_trgm, unaccent), for the project-local cluster.
if [ -z "${DATABASE_URL:-}" ]; then
  [ -n "$(pg_version)" ] && [ -x "/usr/lib/postgresql/$(pg_version)/bin/initdb" ] || missing+=(postgresql postgresql-contrib)
  [ ${#missing[@]} -eq 0 ] || { apt_install "${missing[@]}"; missing=(); }
  v="$(pg_version)"
  ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1 || apt_install "postgresql-$v-postgis-3"
  ls /usr/share/postgresql/"$v"/extension/unaccent.control >/dev/null 2>&1 || apt_install postgresql-contrib
  command -v runuser >/dev/null || apt_install util-linux
fi

# The map page (/carte): MapLibre GL JS from the npm registry, pinned by web/package-lock.json, copied
# into web/dist (gitignored) by `npm run build`.
command -v npm >/dev/null || apt_install nodejs npm
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

# Test tools, needed by `make test` only: GDAL (ogrinfo/ogr2ogr read /ogc as QGIS does) and Chromium
# (renders /carte headless). As root they are installed; otherwise they are named, and the geo tests
# that need them fail until they are there.
test_tools=()
command -v ogr2ogr >/dev/null || test_tools+=(gdal-bin)
command -v chromium >/dev/null || test_tools+=(chromium)
if [ ${#test_tools[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt_install "${test_tools[@]}"
  else
    echo "Test tools missing (tests/geo needs them): sudo apt-get install -y ${test_tools[*]}" >&2
  fi
fi

# The project and its test tools in a virtual environment: first every dependency at the version pinned
# in requirements.lock, each file checked against its hash (`make lock` updates it, see the README), then
# the project itself, editable, built by the locked setuptools (no other download).
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --require-hashes -r requirements.lock
"$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
echo "reseau-api installed in $VENV"
