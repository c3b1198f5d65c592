#!/usr/bin/env bash
# Lighthouse SEO and accessibility scores of the public pages of a running server (not part of `make test`):
#   make run   # then, in another shell:
#   bash scripts/lighthouse.sh http://127.0.0.1:8000 lieux lieux/<slug> departements/48
# Lighthouse (pinned) comes from the npm registry through npx; Chromium is the system one. Exit code 0 only
# when every page scores >= 90 in both categories.
set -euo pipefail
base="${1:?usage: lighthouse.sh BASE_URL PATH...}"; shift
version="${LIGHTHOUSE_VERSION:-12.8.2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for path in "$@"; do
  CHROME_PATH="${CHROME_PATH:-$(command -v chromium || command -v chromium-browser)}" \
    npx --yes "lighthouse@$version" "$base/$path" --only-categories=seo,accessibility --output=json \
    --output-path="$out/report.json" --quiet --chrome-flags="--headless --no-sandbox"
  python3 - "$out/report.json" "$path" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
print(f"{sys.argv[2]}: " + ", ".join(f"{name} {score}" for name, score in scores.items()))
sys.exit(0 if min(scores.values()) >= 90 else 1)
PY
done
exit $status
