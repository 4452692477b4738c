#!/usr/bin/env bash
# Kafka's own command-line tools against the local stack's broker, from the jars the build already
# has (no Kafka download). --bootstrap-server is added unless given.
#   scripts/kafka.sh topics --list
#   scripts/kafka.sh topics --describe --topic dbserver.streaming_etl_db.person
#   scripts/kafka.sh console-consumer --topic dlq.clickhouse-sink --from-beginning \
#       --property print.headers=true --property print.key=true      # the dead letter queue, with error headers
#   scripts/kafka.sh consumer-groups --describe --group connect-clickhouse-sink  # lag per partition
#   scripts/kafka.sh consumer-groups --list
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-}
case "$tool" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
     echo "tools: topics | console-consumer | console-producer | consumer-groups" >&2
     exit 2 ;;
esac
shift
if [ ! -f local-stack/target/local-stack.jar ]; then
  echo "Build first: ./deploy.sh (or mvn -B install -DskipTests)" >&2
  exit 1
fi
args=("$@")
case " $* " in
  *" --bootstrap-server"*) ;;
  *) args=(--bootstrap-server "127.0.0.1:${KAFKA_PORT:-9092}" "${args[@]}") ;;
esac
exec java -Xmx256m -Dlog4j2.level=WARN -cp "local-stack/target/local-stack.jar:local-stack/target/lib/*" "$main" "${args[@]}"
