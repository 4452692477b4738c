#!/usr/bin/env bash
# Builds the sink module (under the machine's Maven lock) and runs one of its benchmark mains
# from the test classes: run-sink-bench.sh <main class> [args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
LOCK=/tmp/streamingetl-mvn.lock
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink -am install -DskipTests
flock "$LOCK" mvn -B -q -pl connect-clickhouse-sink dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd connect-clickhouse-sink
main="$1"
shift
exec java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" "$main" "$@"
