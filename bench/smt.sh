#!/usr/bin/env bash
# Throughput of connect-enrich-smt (CdcEnrich$Value) against Debezium's ExtractNewRecordState +
# Kafka's Flatten$Value, on the same mixed stream of real Debezium records, in one JMH run.
# Last line: RATIO <ours/baseline>. Needs only Java 17 and Maven; fetches what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=/tmp/streamingetl-mvn.lock
MODULE=connect-enrich-smt
CP_FILE="$MODULE/target/bench.classpath"

# Compile main + test sources (JMH code lives in test sources: it never reaches the plugin) and
# write the test classpath. Maven builds are serialised machine-wide through the lock.
# -am install first: on a fresh clone the module's test dependencies (local-stack) are not yet in
# the local Maven repository (./run-tests.sh only verifies).
flock "$LOCK" mvn -B -q -pl "$MODULE" -am install -DskipTests
flock "$LOCK" mvn -B -q -pl "$MODULE" test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

exec java -Xmx512m ${SMT_BENCH_OPTS:-} -cp "$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$CP_FILE")" \
  io.streamingetl.enrich.bench.SmtBench
