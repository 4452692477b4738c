package io.streamingetl.clickhouse.buffer;

import org.apache.kafka.common.TopicPartition;

/** Buffers are per target (table on a shard) and topic partition, so each insert covers one offset range. */
public record BufferKey(Target target, TopicPartition partition) {
}
