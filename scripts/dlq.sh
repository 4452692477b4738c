#!/usr/bin/env bash
# The dead-letter queue: what the sink (or any connector with errors.deadletterqueue.* and
# context headers on) rejected, and sending chosen records back once the cause is fixed.
#   scripts/dlq.sh list                               # dlq.clickhouse-sink: offset, origin, reason
#   scripts/dlq.sh list --topic dlq.clickhouse-sink-enriched
#   scripts/dlq.sh resend --offsets 3,7-9             # back to their original topic and partition
#   --bootstrap-server HOST:PORT (default 127.0.0.1:$KAFKA_PORT, 9092)
# A resent record is a new record on its topic: the sink writes it as it would have then (same
# _version, so FINAL keeps the newest change of its row whatever the order).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f local-stack/target/local-stack.jar ]; then
  echo "Build first: ./deploy.sh (or mvn -B install -DskipTests)" >&2
  exit 1
fi
case "${1:-}" in
  list|resend) ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
exec java -Xmx256m -cp "local-stack/target/local-stack.jar:local-stack/target/lib/*" -Dlog4j2.level=WARN \
  io.streamingetl.localstack.cli.DlqTool "$@"
