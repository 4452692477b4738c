#!/usr/bin/env bash
# Sends Debezium's execute-snapshot signal for tables of streaming_etl_db: an incremental snapshot
# re-reads their rows in chunks while changes keep streaming, so a table that existed before it was
# captured (or one whose ClickHouse copy you want rebuilt) arrives with all its rows. Local mode;
# in the Docker stack run the same INSERT with any MySQL client.
#   scripts/snapshot-table.sh inventory [other_table ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
collections=""
for table in "$@"; do
  case "$table" in *[!A-Za-z0-9_]*) echo "not a plain table name: $table" >&2; exit 2 ;; esac
  collections="${collections:+$collections, }\"streaming_etl_db.$table\""
done
id="snapshot-$(date +%s%N)"
scripts/mariadb.sh -e "INSERT INTO dbz_signal (id, type, data) VALUES ('$id', 'execute-snapshot', '{\"data-collections\": [$collections], \"type\": \"incremental\"}')"
echo "Incremental snapshot requested ($id) for: $*"
