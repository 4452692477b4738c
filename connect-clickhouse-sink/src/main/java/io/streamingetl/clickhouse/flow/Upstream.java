package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.write.ClickHouseWriter.RejectedRows;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What the flow asks of Connect: to deliver a partition again from an offset, and to take the
 * records and rows that cannot be written (the dead letter queue, a log line, or a failed task).
 */
public interface Upstream extends RejectedRows {
    /** The partition's records from {@code offset} on come again (SinkTaskContext.offset). */
    void seek(TopicPartition partition, long offset);

    /** A record that cannot be written; throws when errors are not tolerated. */
    void bad(SinkRecord record, RuntimeException cause);
}
