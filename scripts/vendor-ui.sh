#!/usr/bin/env bash
# Re-fetches the vendored UI libraries from the npm registry at the pinned versions (see
# app/static/vendor/README.md). The app needs no build step: the built files are committed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund cytoscape@3.34.4 cytoscape-dagre@4.0.1 >/dev/null
V="$ROOT/app/static/vendor"
cp node_modules/cytoscape/dist/cytoscape.min.js "$V/"
cp node_modules/cytoscape/LICENSE "$V/cytoscape.LICENSE"
cp node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.js "$V/"
cp node_modules/cytoscape-dagre/LICENSE "$V/cytoscape-dagre.LICENSE"
echo "vendored into $V"
