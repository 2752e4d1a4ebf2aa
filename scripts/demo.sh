#!/usr/bin/env bash
# The main job on one machine: environment, local Neo4j (unless NEO4J_URI is set), schema,
# sample registry data, verdicts, then the API and UI on http://127.0.0.1:8000 (Ctrl-C stops the API).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ownership neo4j start
ownership db init
if [ -x scripts/demo-data.sh ]; then
  scripts/demo-data.sh
fi
ownership db stats
exec ownership serve
