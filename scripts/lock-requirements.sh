#!/usr/bin/env bash
# Regenerate the pinned, hashed dependency files from pyproject.toml:
#
#   requirements/runtime.txt  [project] dependencies only: what production (`make run`) installs
#   requirements/dev.txt      dependencies + the `test` extra, with every package it shares with
#                             runtime.txt held to runtime.txt's pin (-c); installable on its own
#
# Both are written by `uv pip compile --generate-hashes` for CPython 3.11 on Linux x86_64, so
# `pip install --require-hashes -r requirements/<file>.txt` checks every download.
# uv keeps the versions already pinned in the output files; to move versions, pass uv's flags:
#
#   scripts/lock-requirements.sh                            # re-lock, same versions where possible
#   scripts/lock-requirements.sh --upgrade-package flask    # move one package (repeatable)
#   scripts/lock-requirements.sh --upgrade                  # move everything
#
# uv (pinned below) is installed into the project's venv (.venv) if it is missing or another
# version; the venv is created with python3.11 if it does not exist.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
PY=.venv/bin/python

test -x "$PY" || python3.11 -m venv .venv
if [ "$("$PY" -m uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    "$PY" -m pip install -q "uv==$UV_VERSION"
fi

mkdir -p requirements
compile() {
    "$PY" -m uv pip compile pyproject.toml \
        --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
        --generate-hashes --custom-compile-command "scripts/lock-requirements.sh" \
        --quiet "$@"
}
compile -o requirements/runtime.txt "$@"
compile --extra test -c requirements/runtime.txt -o requirements/dev.txt "$@"
echo "requirements/runtime.txt: $(grep -c '^[A-Za-z0-9]' requirements/runtime.txt) packages," \
     "requirements/dev.txt: $(grep -c '^[A-Za-z0-9]' requirements/dev.txt) packages"
