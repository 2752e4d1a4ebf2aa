#!/usr/bin/env bash
# The UI's end-to-end tests drive Debian's Chromium (Playwright's own browser download does not work on
# these machines). Installs the `chromium` package when it is missing and we may (root and apt-get).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${OWNERSHIP_CHROMIUM:-}" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the UI tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
else
  echo "warning: chromium is not installed and cannot be installed here; the UI tests will fail" >&2
fi
