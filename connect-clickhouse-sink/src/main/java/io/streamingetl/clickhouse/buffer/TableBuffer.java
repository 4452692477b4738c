package io.streamingetl.clickhouse.buffer;

import io.streamingetl.clickhouse.route.TableId;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import org.apache.kafka.common.TopicPartition;

/**
 * Encoded rows for one table from one topic partition, in offset order, all with one column plan.
 * One buffer becomes one INSERT whose dedup token is (table, topic, partition, first, last).
 */
public final class TableBuffer {
    private final TableId table;
    private final TopicPartition partition;
    private final ColumnPlan plan;
    private final ByteChunks bytes = new ByteChunks();
    private final long createdMs;
    private int rows;
    private long firstOffset = -1;
    private long lastOffset = -1;
    /** When replaying a range remembered from before a restart: the offset that must end this buffer. */
    private long mustEndAt = -1;

    public TableBuffer(TableId table, TopicPartition partition, ColumnPlan plan, long nowMs) {
        this.table = table;
        this.partition = partition;
        this.plan = plan;
        this.createdMs = nowMs;
    }

    public ByteChunks bytes() {
        return bytes;
    }

    public void rowAdded(long offset) {
        if (firstOffset < 0) {
            firstOffset = offset;
        }
        lastOffset = offset;
        rows++;
    }

    public TableId table() {
        return table;
    }

    public TopicPartition partition() {
        return partition;
    }

    public ColumnPlan plan() {
        return plan;
    }

    public int rows() {
        return rows;
    }

    public long sizeBytes() {
        return bytes.size();
    }

    public long firstOffset() {
        return firstOffset;
    }

    public long lastOffset() {
        return lastOffset;
    }

    public long createdMs() {
        return createdMs;
    }

    public long mustEndAt() {
        return mustEndAt;
    }

    public void mustEndAt(long offset) {
        this.mustEndAt = offset;
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    /** Deterministic insert_deduplication_token: the same rows replayed get the same token. */
    public String dedupToken() {
        return table + "|" + partition.topic() + "|" + partition.partition() + "|" + firstOffset + "-" + lastOffset;
    }
}
