#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest against a real Neo4j (the suite starts its own
# local server on port 7698 unless NEO4J_URI is set). pytest's "no tests collected" counts as failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
"$(dirname "${BASH_SOURCE[0]}")/ensure-chromium.sh"
echo "== ruff"; ruff check app cypher loaders tests bench
echo "== mypy"; mypy
echo "== pytest"
set +e
pytest "$@"
status=$?
set -e
if [ -d test-output/screenshots ]; then
  echo "UI screenshots: $(pwd)/test-output/screenshots"
fi
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
