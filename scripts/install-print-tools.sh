#!/usr/bin/env bash
# Debian's tools the print tests use (issue 19): pdftoppm (poppler-utils) renders a printed
# form's page to PNG, and libzbar0 is the library pyzbar decodes its QR code with.
set -euo pipefail
missing=()
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
# (no `grep -q` or `head` on a pipe: with pipefail the writer's SIGPIPE would fail the script)
grep -c 'libzbar\.so\.0' <<<"$(ldconfig -p)" >/dev/null || missing+=(libzbar0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
versions=$(pdftoppm -v 2>&1)
echo "${versions%%$'\n'*}"
