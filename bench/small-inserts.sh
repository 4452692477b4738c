#!/usr/bin/env bash
# What replay safety costs on small inserts: the sink task writes the same rows in inserts of
# N rows (default 200) replay-safe (each insert claims its range in the state table and reads the
# claims back) and with dedup.enabled=false (baseline: the data insert alone), in one run against
# a real local ClickHouse; prints both rates and `RATIO <replay-safe/baseline>` as the last line.
#   bench/small-inserts.sh [rows=200000] [rows-per-insert=200]
set -euo pipefail
exec "$(dirname "$0")/lib/run-sink-bench.sh" io.streamingetl.clickhouse.bench.ClaimBench "${1:-200000}" "${2:-200}"
