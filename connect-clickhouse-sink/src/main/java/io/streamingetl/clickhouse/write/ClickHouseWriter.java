package io.streamingetl.clickhouse.write;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import io.streamingetl.clickhouse.buffer.BufferKey;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Inserts one buffer through the official client: {@code INSERT INTO db.t (cols) FORMAT RowBinary}
 * with the columns named, synchronous (async_insert=0) and with a deterministic
 * insert_deduplication_token. Transient failures are retried with exponential backoff.
 */
public final class ClickHouseWriter {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseWriter.class);

    private final Client client;
    private final RangeStore ranges;
    private final int maxAttempts;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final long timeoutMs;
    private final SinkMetrics metrics;

    public ClickHouseWriter(Client client, RangeStore ranges, int maxAttempts, long backoffMs, long backoffMaxMs,
                            long timeoutMs, SinkMetrics metrics) {
        this.client = client;
        this.ranges = ranges;
        this.maxAttempts = maxAttempts;
        this.backoffMs = backoffMs;
        this.backoffMaxMs = backoffMaxMs;
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
    }

    public void insert(TableBuffer buffer) throws InsertFailure {
        InsertSettings settings = new InsertSettings()
                .serverSetting("async_insert", "0")
                .serverSetting("insert_deduplicate", "1");
        if (ranges != null) {
            settings.setDeduplicationToken(buffer.dedupToken());
        }
        if (buffer.plan().hasJson()) {
            settings.serverSetting("input_format_binary_read_json_as_string", "1");
        }
        String table = buffer.table().quoted();
        long backoff = backoffMs;
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                if (ranges != null) {
                    ranges.remember(new BufferKey(buffer.table(), buffer.partition()),
                            new Range(buffer.firstOffset(), buffer.lastOffset()));
                }
                try (InsertResponse r = client.insert(table, buffer.plan().quotedColumns(),
                        out -> buffer.bytes().writeTo(out), buffer.plan().format(), settings)
                        .get(timeoutMs, TimeUnit.MILLISECONDS)) {
                    metrics.inserted(buffer.table(), buffer.rows(), buffer.sizeBytes(), System.nanoTime() - start);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InsertFailure("interrupted while inserting into " + buffer.table(), ErrorClass.TRANSIENT,
                        -1, e);
            } catch (Exception e) {
                Throwable cause = ClickHouseErrors.unwrap(e);
                ErrorClass kind = ClickHouseErrors.classify(cause);
                int code = ClickHouseErrors.code(cause);
                String what = "insert of " + buffer.rows() + " rows into " + buffer.table() + " from "
                        + buffer.partition() + " offsets " + buffer.firstOffset() + ".." + buffer.lastOffset();
                if (kind != ErrorClass.TRANSIENT || attempt >= maxAttempts) {
                    metrics.insertFailed(buffer.table());
                    throw new InsertFailure(what + " failed (" + kind + (code >= 0 ? ", code " + code : "")
                            + ", attempt " + attempt + "): " + cause.getMessage(), kind, code, cause);
                }
                metrics.retried(buffer.table());
                log.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, attempt, maxAttempts, backoff,
                        cause.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InsertFailure("interrupted", ErrorClass.TRANSIENT, -1, ie);
                }
                backoff = Math.min(backoffMaxMs, backoff * 2);
            }
        }
    }
}
