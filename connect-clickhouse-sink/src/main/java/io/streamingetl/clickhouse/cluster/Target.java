package io.streamingetl.clickhouse.cluster;

import io.streamingetl.clickhouse.sql.TableId;

/**
 * Where a buffer's rows go: a table on one shard (always shard 0 without a cluster). Buffers,
 * remembered ranges and insert order are per target, so each shard's inserts of a table and topic
 * partition form their own sequence of ranges with their own tokens.
 */
public record Target(TableId table, int shard) {
    @Override
    public String toString() {
        return shard == 0 ? table.toString() : table + "@shard" + (shard + 1);
    }
}
