#!/usr/bin/env bash
# Sink throughput into one ClickHouse server vs into a 2-shard cluster (two servers, rows routed by
# cityHash64(id) to each shard's local table), the same 2,000,000 rows of 10 columns in one run.
# Both servers run on this machine, so the ratio shows the cost of sharding here, not the gain of a
# second machine. Last line: `RATIO <two shards/one server>`.
set -euo pipefail
ROWS="${1:-2000000}"
cd "$(dirname "$0")/.."
LOCK=/tmp/streamingetl-mvn.lock
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink -am install -DskipTests
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd connect-clickhouse-sink
exec java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.streamingetl.clickhouse.bench.ClusterBench "$ROWS"
