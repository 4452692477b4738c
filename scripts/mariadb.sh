#!/usr/bin/env bash
# The MariaDB command-line client that local mode brings (no mysql client needs to be installed),
# connected to the local source database as the demo user unless other options are given:
#   scripts/mariadb.sh -e "SELECT * FROM person_enriched"
#   scripts/mariadb.sh -uroot            (root has no password; the server listens on loopback only)
set -euo pipefail
cache=${STREAMINGETL_CACHE:-$HOME/.cache/streaming-etl}
client=$(ls -d "$cache"/mariadb-*/bin/mariadb 2>/dev/null | sort | tail -n 1)
if [ -z "$client" ]; then
  echo "The MariaDB client is unpacked by the first ./deploy.sh; run it first." >&2
  exit 1
fi
# --skip-ssl: the local server runs without TLS (loopback only); 11.4 clients otherwise insist on it.
defaults=(--skip-ssl -h127.0.0.1 "-P${MARIADB_PORT:-3306}")
case " $* " in
  *" -u"*|*" --user"*) ;;
  *) defaults+=(-ustreaming_etl -pstreaming_etl streaming_etl_db) ;;
esac
exec "$client" "${defaults[@]}" "$@"
