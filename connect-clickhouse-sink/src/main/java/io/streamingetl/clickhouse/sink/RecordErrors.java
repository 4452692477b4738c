package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Future;

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

    /** Whether buffers must keep their records: a row the server refuses can then go to the DLQ. */
    boolean keepsRecords() {
        return tolerate && reporter != null;
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
            // Connect waits for what the reporter sends before it commits offsets.
            Future<Void> unused = reporter.report(record, e);
            log.warn("Sent to the dead letter queue: {}", e.getMessage());
        } else {
            log.warn("Skipped (errors.tolerance=all, no dead letter queue): {}", e.getMessage());
        }
    }

    /** A row the server refused: to the dead letter queue with the server's error, or the task fails. */
    void rejected(TableBuffer buf, int row, InsertFailure why) {
        String where = "topic " + buf.partition().topic() + ", partition " + buf.partition().partition()
                + ", offset " + buf.offsetOf(row);
        SinkRecord record = buf.recordOf(row);
        if (record == null) {
            if (tolerate) {
                metrics.sentToDlq();
                log.warn("Skipped a row ClickHouse refused (errors.tolerance=all, no dead letter queue) at {}: {}",
                        where, why.getMessage());
                return;
            }
            throw new ConnectException("ClickHouse refused the row at " + where + ": " + why.getMessage(), why);
        }
        bad(record, new DataException("ClickHouse refused the row: " + why.getMessage(), why));
    }
}
