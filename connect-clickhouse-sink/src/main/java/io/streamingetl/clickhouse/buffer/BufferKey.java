package io.streamingetl.clickhouse.buffer;

import io.streamingetl.clickhouse.route.TableId;
import org.apache.kafka.common.TopicPartition;

/** Buffers are per table and topic partition, so each insert covers one contiguous offset range. */
public record BufferKey(TableId table, TopicPartition partition) {
}
