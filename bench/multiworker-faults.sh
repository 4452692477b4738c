#!/usr/bin/env bash
# MultiWorkerFaultsTest's seeded fault schedule on three Connect workers (kill -9, SIGSTOP past
# the session timeout, stop/start, ClickHouse kill -9 under CDC and event load); ./run-tests.sh
# runs one schedule of 4 faults, this runs any seed and any length.
#   bench/multiworker-faults.sh [seed] [faults=4]
# Prints the seed, the faults, failover times, the events sent (baseline) and written, and as its
# last line RATIO <events written / events sent> (1.00 = each once); exits non-zero when a change
# or an event is written twice or lost.
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=${1:-$(date +%s%3N)}
FAULTS=${2:-4}
flock /tmp/streamingetl-mvn.lock mvn -B -q install -DskipTests
flock /tmp/streamingetl-mvn.lock mvn -B verify -pl integration-tests -Dit.excludedGroups= \
  -Dtest=MultiWorkerFaultsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dworkers.seed="$SEED" -Dworkers.faults="$FAULTS" | grep -E "Tests run:|FAIL|expected" || true
grep -E "seed|faults:|after|events:" integration-tests/target/surefire-reports/*MultiWorkerFaultsTest-output.txt \
  | grep -v "fail on worker"
grep -h "events: sent" integration-tests/target/surefire-reports/*MultiWorkerFaultsTest-output.txt \
  | awk '{gsub(",", ""); printf "RATIO %.2f\n", $5 / $3}'
! grep -q "<<< FAIL" integration-tests/target/surefire-reports/*MultiWorkerFaultsTest.txt
