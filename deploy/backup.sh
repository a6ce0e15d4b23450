#!/usr/bin/env bash
# Nightly logical backup of the cyberweek database, and how to restore it.
#   backup.sh dump DATABASE_URL DIR      -> DIR/cyberweek-YYYYmmdd-HHMM.dump
#   backup.sh restore DUMP DATABASE_URL  -> into an empty database, then checked
# Base backups plus WAL archiving (deploy/postgresql/primary.conf) give point-in-time
# recovery; this dump is the simple, portable copy. The rows are encrypted: a restore is
# readable only with the same key ring (CYBERWEEK_KEYS), which is backed up separately,
# in the secret store, never beside the dump.
set -euo pipefail
case "${1:-}" in
  dump)
    out="$3/cyberweek-$(date +%Y%m%d-%H%M).dump"
    pg_dump --format=custom --no-owner --file "$out" "$2"
    chmod 600 "$out"
    echo "$out"
    ;;
  restore)
    pg_restore --no-owner --exit-on-error --dbname "$3" "$2"
    # The schema matches this release, and the key ring still decrypts the rows.
    DATABASE_URL="$3" cyberweek migrate --check
    DATABASE_URL="$3" cyberweek check --database default
    ;;
  *)
    echo "usage: backup.sh dump DATABASE_URL DIR | restore DUMP DATABASE_URL" >&2
    exit 2
    ;;
esac
