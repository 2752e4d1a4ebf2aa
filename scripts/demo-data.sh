#!/usr/bin/env bash
# Loads the bundled real registry samples (tests/fixtures) and computes verdicts for every active policy.
# The OpenSanctions FollowTheMoney sample (CC BY-NC) is not bundled; it is loaded from ../shared/data when present.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
F=tests/fixtures
ownership load bods "$F/bods-opencheck-demo"
ownership load gleif "$F/gleif/lei-data.xml" "$F/gleif/rr-data.xml" "$F/gleif/repex-data.xml"
ownership load psc "$F"/uk-psc/psc-data-*.json
FTM=../shared/data/opensanctions-yente/tests/fixtures/dataset/zala/entities.ftm.json
if [ -f "$FTM" ]; then
  ownership load ftm "$FTM"
fi
ownership compute
ownership verdict GB-COH:01126618
