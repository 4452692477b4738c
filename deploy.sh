#!/usr/bin/env bash
# Runs the pipeline MySQL/MariaDB -> Debezium -> Kafka -> ClickHouse.
#
#   ./deploy.sh            Docker Compose when a Docker engine answers, else the local mode
#   ./deploy.sh --local    local mode: real MariaDB, Kafka, Connect and ClickHouse as processes
#   ./deploy.sh --docker   the Docker Compose stack
#   --no-build             use the plugin archives and jars as they are built (no mvn run)
#   --avro                 local mode with change events as Avro through a schema registry
#                          (Apicurio Registry on REGISTRY_PORT=8081; the Docker stack is always Avro)
#   --reset-configs        local mode: apply connector-configs/ again even to connectors whose file
#                          did not change (a redeploy otherwise keeps changes made through REST)
#   --clickhouse-shards=N  local mode: also an N-shard ClickHouse cluster (HTTP ports from
#                          CLICKHOUSE_SHARDS_HTTP_PORT=8131, native from CLICKHOUSE_SHARDS_TCP_PORT=9131)
#                          and the CDC sink once more into it (clickhouse-sink-sharded); sticky
#   --connect-workers=N    local mode: N Connect workers (1-4) in one group, REST on CONNECT_PORT,
#                          CONNECT_PORT+1, ...; tasks spread over them; sticky
#   --source=HOST:PORT     local mode: capture your own MySQL/MariaDB instead of starting MariaDB;
#                          SOURCE_DATABASES (comma-separated), SOURCE_USER, SOURCE_PASSWORD (the
#                          account Debezium uses); a preflight checks binlog settings and grants first
#   --clickhouse=URL       local mode: write into your own ClickHouse (HTTP URL) instead of starting
#                          one; CLICKHOUSE_USER, CLICKHOUSE_PASSWORD. With either, only Kafka and
#                          Connect start and only the CDC source and sink run; both sticky (=local
#                          goes back)
#
# Local-mode ports (override with these environment variables): MARIADB_PORT=3306,
# KAFKA_PORT=9092, KAFKA_CONTROLLER_PORT=9093, CONNECT_PORT=8083, CLICKHOUSE_HTTP_PORT=8123,
# CLICKHOUSE_TCP_PORT=9000. State lives under .local-stack/ (STREAMINGETL_HOME). Running it again
# starts whatever is not running (after a crash or kill -9 of any component too) and keeps the
# data, the offsets and connector changes made through the REST API.
set -euo pipefail
cd "$(dirname "$0")"

mode=auto
build=yes
avro=()
reset=()
shards=()
workers=()
own=()
for arg in "$@"; do
  case "$arg" in
    --local) mode=local ;;
    --no-build) build=no ;;
    --docker) mode=docker ;;
    --avro) avro=(--avro) ;;
    --reset-configs) reset=(--reset-configs) ;;
    --clickhouse-shards=*) shards=("$arg") ;;
    --connect-workers=*) workers=("$arg") ;;
    --source=*|--clickhouse=*) own+=("$arg") ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

if [ "$mode" = auto ]; then
  if docker_answers; then
    mode=docker
  else
    mode=local
    echo "No Docker engine answers here: running the local mode (no Docker)."
  fi
fi

case "$mode" in
  local)
    scripts/ensure-tools.sh
    if [ "$build" = yes ]; then scripts/build-if-needed.sh; fi
    exec scripts/local-stack.sh up "${avro[@]}" "${reset[@]}" "${shards[@]}" "${workers[@]}" "${own[@]}"
    ;;
  docker)
    if ! docker_answers; then
      echo "--docker: no Docker engine answers (docker info failed). Use ./deploy.sh --local." >&2
      exit 1
    fi
    if [ ${#shards[@]} -gt 0 ]; then
      echo "--clickhouse-shards is a local-mode option; the Docker stack has the 'replicated' profile (see README)." >&2
      exit 2
    fi
    if [ ${#own[@]} -gt 0 ]; then
      echo "--source/--clickhouse are local-mode options: edit connector-configs/ for the Docker stack." >&2
      exit 2
    fi
    if [ ${#workers[@]} -gt 0 ]; then
      echo "--connect-workers is a local-mode option; the Docker stack runs one Connect worker." >&2
      exit 2
    fi
    exec scripts/docker-stack.sh up
    ;;
esac
