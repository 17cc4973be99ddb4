#!/usr/bin/env bash
# Debian's Chromium for the end-to-end tests (Playwright drives it via executable_path;
# never `playwright install`, which downloads its own browser and fails here).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium (Debian package)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
