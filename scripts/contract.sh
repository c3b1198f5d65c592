#!/usr/bin/env bash
# The whole contract against a real server, every schemathesis phase (examples, coverage, fuzzing and the
# stateful phase, which chains calls through the OpenAPI links), with a seed of the day (or $SEED).
#     bash scripts/contract.sh [max examples per operation, default 150]
# It uses a throwaway database `reseau_contract` on the local cluster (demo data, an admin key made for
# the run) and a server on 127.0.0.1; the write and failure budgets are lifted so the run measures the
# contract, not the rate limits. Exit code: schemathesis's (0: every case passed, no 5xx).
set -euo pipefail
cd "$(dirname "$0")/.."
make install >/dev/null
BIN=.venv/bin
EXAMPLES=${1:-150}
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
PORT=${PORT:-$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
$BIN/reseau-api db up >/dev/null
export DATABASE_URL RESEAU_WRITE_BURST=1000000 RESEAU_AUTH_FAILURE_BURST=1000000 RESEAU_PUBLIC_BASE_URL=
DATABASE_URL=$($BIN/python - <<'PY'
from sqlalchemy.engine import make_url
from reseau_api.core import cluster
from reseau_api.core.config import get_settings
settings = get_settings()
cluster.create_database(settings, "reseau_contract", drop_first=True)
url = make_url(settings.effective_database_url).set(database="reseau_contract")
print(url.render_as_string(hide_password=False))
PY
)
$BIN/reseau-api migrate >/dev/null 2>&1
$BIN/reseau-api seed >/dev/null 2>&1
KEY=$($BIN/reseau-api cles create --admin --libelle "contract run" | tail -1)
$BIN/reseau-api serve --host 127.0.0.1 --port "$PORT" >/tmp/reseau-contract-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
echo "seed $SEED, $EXAMPLES examples per operation, server log /tmp/reseau-contract-server.log"
$BIN/schemathesis --config-file tests/schemathesis.toml run "http://127.0.0.1:$PORT/openapi.json" \
  -H "Authorization: Bearer $KEY" --checks all --seed "$SEED" --max-examples "$EXAMPLES" \
  --phases examples,coverage,fuzzing,stateful --no-color
