#!/usr/bin/env bash
# Soak: the local pipeline (MariaDB -> Debezium -> SMT -> sink -> ClickHouse) at a sustained
# change rate. Usage: bench/soak.sh [minutes=5] [changes_per_second=10000]
# Prints the source's change rate (baseline) and the rate at which all changes are in ClickHouse
# FINAL, commit->visible latency p50/p99, the worker's heap high-water mark, lost/duplicated rows,
# and as its last line RATIO <landed rate / source rate> (1.00 = the pipeline keeps up).
# On demand only (not part of ./run-tests.sh).
set -euo pipefail
MINUTES="${1:-5}"
RATE="${2:-10000}"
cd "$(dirname "$0")/.."
LOCK=/tmp/streamingetl-mvn.lock
flock "$LOCK" mvn -B -q install -DskipTests
flock "$LOCK" mvn -B -q -pl integration-tests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd integration-tests
exec java -Xmx1g -Dstreamingetl.repo.root="$(cd .. && pwd)" \
  -cp "target/test-classes:$(cat target/bench.classpath)" io.streamingetl.it.bench.SoakBench "$MINUTES" "$RATE"
