#!/usr/bin/env bash
# Sink throughput vs the official ClickHouse Java client writing the same rows in RowBinary.
# Starts a real ClickHouse (local-stack, fetched on first use), writes 2,000,000 rows of a
# 10-column table both ways in one run, prints both rates, the sink's peak heap and
# `RATIO <ours/raw>` as the last line.
set -euo pipefail
ROWS="${1:-2000000}"
cd "$(dirname "$0")/.."
LOCK=/tmp/streamingetl-mvn.lock
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink -am install -DskipTests
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
M=connect-clickhouse-sink
cd "$M"
exec java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.streamingetl.clickhouse.bench.SinkBench "$ROWS"
