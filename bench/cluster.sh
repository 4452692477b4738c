#!/usr/bin/env bash
# Sink throughput into one ClickHouse server vs into a 2-shard cluster (two servers, rows routed by
# cityHash64(id) to each shard's local table), the same 2,000,000 rows of 10 columns in one run.
# Both servers run on this machine, so the ratio shows the cost of sharding here, not the gain of a
# second machine. Last line: `RATIO <two shards/one server>`.
set -euo pipefail
ROWS="${1:-2000000}"
exec "$(dirname "$0")/lib/run-sink-bench.sh" io.streamingetl.clickhouse.bench.ClusterBench "$ROWS"
