#!/usr/bin/env bash
# Install (Debian's package) and start PostgreSQL for the tests, and make the test role.
# The server refuses to run as root: pg_ctlcluster runs it as the `postgres` user.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installing PostgreSQL (Debian package)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
if ! pg_lsclusters -h | head -n 1 | grep -q online; then
  pg_ctlcluster "$version" "$cluster" start
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='layanan'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"CREATE ROLE layanan LOGIN PASSWORD 'layanan' CREATEDB\""
echo "PostgreSQL $version/$cluster is up; role layanan ready."
