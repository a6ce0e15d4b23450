#!/usr/bin/env bash
# Make a streaming hot standby from the primary: run as the postgres user on the standby host.
#   make-standby.sh PRIMARY_HOST DATA_DIR
# The primary's pg_hba.conf must allow `replication` for the replicator role from here.
set -euo pipefail
primary=$1
data=$2
test ! -e "$data/PG_VERSION" || { echo "$data already holds a cluster" >&2; exit 1; }
# -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
pg_basebackup -h "$primary" -U replicator -D "$data" -R -X stream -c fast -P
echo "standby ready in $data: start it, then set DATABASE_STANDBY_URL on the web nodes"
