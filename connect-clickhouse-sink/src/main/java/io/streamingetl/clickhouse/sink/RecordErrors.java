package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.metrics.SinkMetrics;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be written: with errors.tolerance=all it goes to Connect's dead letter
 * queue (only that record, never its batch), or is logged and skipped when no DLQ is set up;
 * otherwise the task fails with topic, partition, offset and field in the message.
 */
final class RecordErrors {
    private static final Logger log = LoggerFactory.getLogger(RecordErrors.class);

    private final boolean tolerate;
    private final ErrantRecordReporter reporter;
    private final SinkMetrics metrics;

    RecordErrors(boolean tolerate, ErrantRecordReporter reporter, SinkMetrics metrics) {
        this.tolerate = tolerate;
        this.reporter = reporter;
        this.metrics = metrics;
    }

    static String where(SinkRecord r) {
        return "topic " + r.topic() + ", partition " + r.kafkaPartition() + ", offset " + r.kafkaOffset();
    }

    void bad(SinkRecord record, RuntimeException cause) {
        DataException e = new DataException("Cannot write record at " + where(record) + ": " + cause.getMessage(), cause);
        if (!tolerate) {
            throw e;
        }
        metrics.sentToDlq();
        if (reporter != null) {
            reporter.report(record, e);
            log.warn("Sent to the dead letter queue: {}", e.getMessage());
        } else {
            log.warn("Skipped (errors.tolerance=all, no dead letter queue): {}", e.getMessage());
        }
    }
}
