#!/usr/bin/env bash
# Sink throughput vs the official ClickHouse Java client writing the same rows in RowBinary.
# Starts a real ClickHouse (local-stack, fetched on first use), writes 2,000,000 rows of a
# 10-column table both ways in one run, prints both rates, the sink's peak heap and
# `RATIO <ours/raw>` as the last line.
set -euo pipefail
ROWS="${1:-2000000}"
exec "$(dirname "$0")/lib/run-sink-bench.sh" io.streamingetl.clickhouse.bench.SinkBench "$ROWS"
