package io.streamingetl.clickhouse.state;

import io.streamingetl.clickhouse.cluster.Target;
import org.apache.kafka.common.TopicPartition;

/** Buffers are per target (table on a shard) and topic partition, so each insert covers one offset range. */
public record RangeKey(Target target, TopicPartition partition) {
}
