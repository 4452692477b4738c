#!/usr/bin/env bash
# Docker mode of deploy.sh / terminate.sh: the docker-compose.yml stack.
#   scripts/docker-stack.sh up             build the plugin archives, `up -d`, wait for health,
#                                          register the connectors, apply the ksqlDB statements
#   scripts/docker-stack.sh down [--purge] `down` (--purge: also the named volumes)
# The connectors are the same JSON files local mode uses (connector-configs/), unchanged: they
# already name the stack's services (mysql, kafka, clickhouse).
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose() { docker compose -f docker-compose.yml "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
  compose() { docker-compose -f docker-compose.yml "$@"; }
else
  echo "neither 'docker compose' nor docker-compose is installed" >&2
  exit 1
fi

connect=http://127.0.0.1:8083
ksqldb=http://127.0.0.1:8088

wait_healthy() {
  local deadline=$((SECONDS + 600)) service state
  for service in "$@"; do
    while :; do
      state=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
        "$(compose ps -q "$service")" 2>/dev/null || echo starting)
      [ "$state" = healthy ] && { printf '  %-16s healthy\n' "$service"; break; }
      if [ $SECONDS -gt $deadline ]; then
        echo "timed out waiting for $service to be healthy (last state: $state); see: docker compose logs $service" >&2
        exit 1
      fi
      sleep 3
    done
  done
}

register() {
  local file=$1 name
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$file")
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$file" \
    | curl -fsS -X PUT -H 'Content-Type: application/json' --data @- "$connect/connectors/$name/config" >/dev/null
  echo "  connector $name registered"
}

# Every topic the ksqlDB statements write (streaming_etl.*) compacted, before they run: they are
# keyed tables or re-keyed change streams, so compaction keeps each key's latest value for a query
# rebuilt from scratch (the default 7-day delete policy would lose entities untouched for longer),
# and the people-per-city topics carry binlog versions as record times, which time-based
# retention would expire at once.
create_ksql_topics() {
  local topic
  for topic in $(grep -ho "KAFKA_TOPIC = 'streaming_etl\.[^']*'" connector-configs/ksql/*.sql | cut -d"'" -f2 | sort -u); do
    compose exec -T kafka kafka-topics --bootstrap-server kafka:9092 --create --if-not-exists --topic "$topic" \
      --partitions 1 --replication-factor 1 --config cleanup.policy=compact >/dev/null
  done
  echo "  ksqlDB topics created compacted"
}

# ksqlDB's source streams take their columns from the registry subjects of the change topics,
# which exist only once the source has written its first (snapshot) records: wait for them, or
# ksqlDB rejects the whole script.
registry=http://127.0.0.1:8081
wait_for_subjects() {
  local deadline=$((SECONDS + 300)) subject
  for subject in dbserver.streaming_etl_db.person-value dbserver.streaming_etl_db.address-value \
                 dbserver.streaming_etl_db.geo-value; do
    until curl -fsS "$registry/subjects" 2>/dev/null | grep -q "\"$subject\""; do
      if [ $SECONDS -gt $deadline ]; then
        echo "timed out waiting for registry subject $subject; check the source: curl $connect/connectors" >&2
        exit 1
      fi
      sleep 2
    done
  done
  echo "  registry subjects of the change topics present"
}

apply_ksql() {
  local file=$1
  python3 - "$file" "$ksqldb" <<'PY'
import json, sys, urllib.request
path, url = sys.argv[1], sys.argv[2]
statements = open(path, encoding="utf-8").read()
body = json.dumps({"ksql": statements, "streamsProperties": {"ksql.streams.auto.offset.reset": "earliest"}}).encode()
req = urllib.request.Request(url + "/ksql", data=body, headers={"Content-Type": "application/vnd.ksql.v1+json"})
with urllib.request.urlopen(req, timeout=120) as r:
    r.read()
print("  ksqlDB statements applied: " + path)
PY
}

clickhouse=http://127.0.0.1:8123

# The query-time views read the CDC tables, which the sink creates with the snapshot's first batch.
create_clickhouse_views() {
  local deadline=$((SECONDS + 300)) table
  for table in person address geo; do
    until [ "$(curl -fsS --data-binary "EXISTS TABLE streaming_etl_db.$table" "$clickhouse/" 2>/dev/null)" = 1 ]; do
      if [ $SECONDS -gt $deadline ]; then
        echo "timed out waiting for streaming_etl_db.$table in ClickHouse; check the sink: curl $connect/connectors/clickhouse-sink/status" >&2
        exit 1
      fi
      sleep 2
    done
  done
  local statement
  python3 -c 'import sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = [l for l in text.splitlines() if not l.strip().startswith("--")]
for stmt in "\n".join(lines).split(";"):
    if stmt.strip(): print(stmt.strip().replace("\n", " "))' connector-configs/clickhouse/01-views.sql |
  while IFS= read -r statement; do
    curl -fsS --data-binary "$statement" "$clickhouse/" >/dev/null
  done
  echo "  ClickHouse views created (connector-configs/clickhouse/01-views.sql)"
}

case "${1:-up}" in
  up)
    echo "Building the plugin archives (mounted into the Connect worker) ..."
    mvn -B -q install -DskipTests
    compose up -d
    echo "Waiting for the services to be healthy ..."
    wait_healthy zookeeper kafka schema-registry mysql clickhouse connect ksqldb-server
    register connector-configs/source/mysql-source.json
    for sink in connector-configs/sink/*.json; do register "$sink"; done
    create_ksql_topics
    wait_for_subjects
    for ksql in connector-configs/ksql/*.sql; do [ -f "$ksql" ] && apply_ksql "$ksql"; done
    create_clickhouse_views
    cat <<TABLE

COMPONENT        URL
MySQL            127.0.0.1:3306 (db streaming_etl_db, user streaming_etl / streaming_etl)
Kafka            127.0.0.1:29092 (inside the network: kafka:9092)
Schema Registry  http://127.0.0.1:8081
Connect REST     $connect
ksqlDB           $ksqldb  (CLI: docker compose exec ksqldb-cli ksql http://ksqldb-server:8088)
ClickHouse       http://127.0.0.1:8123 (native 9000)
Kafka UI         http://127.0.0.1:9099
Debezium UI      http://127.0.0.1:8080
TABLE
    compose ps
    ;;
  down)
    if [ "${2:-}" = --purge ]; then compose down -v; else compose down; fi
    ;;
  *)
    echo "usage: $0 up | down [--purge]" >&2
    exit 2
    ;;
esac
