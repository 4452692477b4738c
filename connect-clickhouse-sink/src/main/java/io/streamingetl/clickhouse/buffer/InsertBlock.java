package io.streamingetl.clickhouse.buffer;

import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.OutputStream;

/** What one INSERT sends: encoded rows of one table from one topic partition, and their token. */
public interface InsertBlock {
    TableId table();

    /** The shard it goes to (0 without a cluster). */
    int shard();

    TopicPartition partition();

    RowFormat format();

    int rows();

    long sizeBytes();

    /** Offset of the first and the last row in the block. */
    long firstOffset();

    long lastOffset();

    /** insert_deduplication_token: the same block sent again gets the same token. */
    String token();

    void writeTo(OutputStream out) throws IOException;
}
