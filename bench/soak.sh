#!/usr/bin/env bash
# Soak: the local pipeline (MariaDB -> Debezium -> SMT -> sink -> ClickHouse) at a sustained
# change rate, and where a change spends its time.
#   bench/soak.sh [minutes=5] [changes_per_second=10000] [--profile] [--avro]
#   bench/soak.sh --step [minutes_per_step=1] [first_rate=5000] [--avro]
#   bench/soak.sh [minutes] [changes_per_second] --tables=200   (the rate spread over 199 more
#   tables, each written once a second; prints inserts per table a minute and the buffers' peak)
# Prints the source's change rate (baseline) and the rate at which all changes are in ClickHouse
# FINAL, commit->visible latency p50/p99, per-hop latencies of probe changes (JSON mode), each
# process's CPU share, the worker's GC pauses (JFR; --profile adds its hottest methods), inserts
# per minute, lost/duplicated rows, and as its last line RATIO <landed rate / source rate>
# (1.00 = the pipeline keeps up). --step raises the rate by 5000 per step until p99 passes 5 s and
# prints KNEE <rate>, then RATIO <knee / highest source rate>.
# SOAK_OPTS="-Dsoak.sink.buffer.min.insert.interval.ms=500 -Dsoak.source.poll.interval.ms=50"
# overrides connector options. On demand only (not part of ./run-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=/tmp/streamingetl-mvn.lock
flock "$LOCK" mvn -B -q install -DskipTests
flock "$LOCK" mvn -B -q -pl integration-tests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cd integration-tests
# shellcheck disable=SC2086
exec java -Xmx1g ${SOAK_OPTS:-} -Dstreamingetl.repo.root="$(cd .. && pwd)" \
  -cp "target/test-classes:$(cat target/bench.classpath)" io.streamingetl.it.bench.SoakBench "$@"
