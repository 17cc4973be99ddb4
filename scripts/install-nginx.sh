#!/usr/bin/env bash
# Debian's nginx for the test that runs the app behind it (tests/test_behind_nginx.py).
# The test starts its own nginx on a free port with a config in a temporary folder; the
# system service is not used.
set -euo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing nginx (Debian package)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
/usr/sbin/nginx -v
