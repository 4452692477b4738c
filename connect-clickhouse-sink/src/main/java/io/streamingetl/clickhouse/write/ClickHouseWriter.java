package io.streamingetl.clickhouse.write;

import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import io.streamingetl.clickhouse.buffer.InsertBlock;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.client.ErrorClass;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import io.streamingetl.clickhouse.config.ErrorSettings;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.Range;
import io.streamingetl.clickhouse.state.RangeKey;
import io.streamingetl.clickhouse.state.RangeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Inserts blocks through the official client: {@code INSERT INTO db.t (cols) FORMAT RowBinary} with
 * the columns named, synchronous (async_insert=0) and with the block's insert_deduplication_token.
 * On a cluster a block goes to its shard's local table. Transient failures are retried with
 * exponential backoff, each attempt on the shard's next replica, until the attempts or the caller's
 * deadline run out; a block whose rows the server refuses is split to find those rows.
 */
public final class ClickHouseWriter {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseWriter.class);

    /** What to do with one row the server refused (dead letter queue, or fail the task). */
    public interface RejectedRows {
        void rejected(TableBuffer buffer, int row, InsertFailure why);
    }

    private final Shards shards;
    private final RangeStore ranges;
    private final boolean tokens;
    private final int maxAttempts;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final long timeoutMs;
    private final SinkMetrics metrics;
    private final Map<Shard, Boolean> deduplicateInsertKnown = new HashMap<>();

    /**
     * @param ranges    where each insert's range is remembered first; null when dedup.enabled=false,
     *                  which also sends no tokens
     * @param timeoutMs the longest one attempt waits for its answer
     */
    public ClickHouseWriter(Shards shards, RangeStore ranges, ErrorSettings retries, long timeoutMs,
                            SinkMetrics metrics) {
        this.shards = shards;
        this.ranges = ranges;
        this.tokens = ranges != null;
        this.maxAttempts = retries.retryMaxAttempts();
        this.backoffMs = retries.retryBackoffMs();
        this.backoffMaxMs = retries.retryBackoffMaxMs();
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
    }

    /**
     * Inserts a sealed buffer: records its range as the intent first (so a restart re-cuts the same
     * range), then the rows. When the server refuses values, the buffer is split in halves, each
     * with a token of its own sub-range, until the refused rows are single; those go to
     * {@code rejected}, the others into the table. If every row of a block of several is refused,
     * the block itself is at fault (a table that changed, not the data) and nothing is reported.
     */
    public void insert(TableBuffer buffer, long deadlineNanos, RejectedRows rejected) throws InsertFailure {
        if (ranges != null) {
            intent(buffer, deadlineNanos);
        }
        InsertFailure refused;
        try {
            insert(buffer, deadlineNanos);
            return;
        } catch (InsertFailure f) {
            if (f.errorClass() != ErrorClass.DATA) {
                throw f;
            }
            refused = f;
        }
        List<Integer> bad = new ArrayList<>();
        List<InsertFailure> why = new ArrayList<>();
        split(buffer, 0, buffer.rows(), refused, deadlineNanos, bad, why);
        if (bad.size() == buffer.rows() && buffer.rows() > 1) {
            throw new InsertFailure(refused.getMessage() + " (every one of the " + buffer.rows()
                    + " rows was refused on its own too: the table, not the data, is at fault)",
                    ErrorClass.PERMANENT, refused.code(), refused);
        }
        log.warn("{}: {} of {} rows refused by the server, the rest inserted", buffer.table(), bad.size(), buffer.rows());
        for (int i = 0; i < bad.size(); i++) {
            rejected.rejected(buffer, bad.get(i), why.get(i));
        }
    }

    private void split(TableBuffer buffer, int from, int to, InsertFailure failure, long deadlineNanos,
                       List<Integer> bad, List<InsertFailure> why) throws InsertFailure {
        if (to - from == 1) {
            bad.add(from);
            why.add(failure);
            return;
        }
        int mid = (from + to) >>> 1;
        int[][] halves = {{from, mid}, {mid, to}};
        for (int[] h : halves) {
            try {
                insert(buffer.slice(h[0], h[1]), deadlineNanos);
            } catch (InsertFailure f) {
                if (f.errorClass() != ErrorClass.DATA) {
                    throw f;
                }
                split(buffer, h[0], h[1], f, deadlineNanos, bad, why);
            }
        }
    }

    /** Claims the buffer's range before its rows go in; fenced when another task claimed it (or went past it). */
    private void intent(TableBuffer buffer, long deadlineNanos) throws InsertFailure {
        Range range = new Range(buffer.rangeFirst(), buffer.rangeLast());
        RangeKey key = new RangeKey(buffer.target(), buffer.partition());
        String what = "claim of offsets " + range.first() + ".." + range.last() + " of " + buffer.partition()
                + " for " + buffer.target();
        boolean[] ours = new boolean[1];
        withRetries("record the " + what, buffer.table(), shards.get(buffer.shard()), deadlineNanos,
                attemptTimeout -> ours[0] = ranges.claim(key, range, attemptTimeout));
        if (!ours[0]) {
            throw new InsertFailure("another task holds the " + what + ": the partition moved to it while this task "
                    + "was frozen or cut off from its group", ErrorClass.FENCED, -1, null);
        }
    }

    /** One block, retried while the failure is transient and the deadline allows. */
    public void insert(InsertBlock block, long deadlineNanos) throws InsertFailure {
        InsertSettings settings = new InsertSettings().serverSetting("async_insert", "0");
        if (tokens) {
            settings.serverSetting("insert_deduplicate", "1");
            settings.setDeduplicationToken(block.token());
        } else {
            // Without tokens, deduplication would compare the blocks' bytes: two equal blocks (the same
            // rows sent twice on purpose, e.g. a counter's +1 events) would lose the second.
            settings.serverSetting("insert_deduplicate", "0");
        }
        if (block.format().hasJson()) {
            settings.serverSetting("input_format_binary_read_json_as_string", "1");
        }
        Shard shard = shards.get(block.shard());
        TableId into = shards.local(block.table());
        String what = "insert of " + block.rows() + " rows into " + into + (shards.sharded() ? " on " + shard : "")
                + " from " + block.partition() + " offsets " + block.firstOffset() + ".." + block.lastOffset();
        withRetries(what, block.table(), shard, deadlineNanos, attemptTimeout -> {
            if (!tokens && knowsDeduplicateInsert(shard)) {
                // ClickHouse 26 added deduplicate_insert, which overrides insert_deduplicate and is on by default.
                settings.serverSetting("deduplicate_insert", "disable");
            }
            long start = System.nanoTime();
            try (InsertResponse r = shard.client().insert(into.quoted(), block.format().quotedColumns(),
                    out -> {
                        block.format().writeHeader(out);
                        block.writeTo(out);
                    }, block.format().format(), settings).get(attemptTimeout, TimeUnit.MILLISECONDS)) {
                metrics.inserted(block.table(), block.rows(), block.sizeBytes(), System.nanoTime() - start);
            }
        });
    }

    /** Whether the shard's server has the deduplicate_insert setting (an older one refuses it as unknown). */
    private boolean knowsDeduplicateInsert(Shard shard) {
        Boolean known = deduplicateInsertKnown.get(shard);
        if (known == null) {
            known = shard.call("read system.settings", client -> !client.queryAll(
                    "SELECT 1 FROM system.settings WHERE name = 'deduplicate_insert'").isEmpty());
            deduplicateInsertKnown.put(shard, known);
        }
        return known;
    }

    private interface Attempt {
        void run(long timeoutMs) throws Exception;
    }

    private void withRetries(String what, TableId table, Shard shard, long deadlineNanos, Attempt attempt)
            throws InsertFailure {
        long backoff = backoffMs;
        for (int n = 1; ; n++) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                throw new InsertFailure(what + " not confirmed within max.block.ms; handing control back to Connect "
                        + "and trying again later", ErrorClass.TRANSIENT, -1, null);
            }
            try {
                attempt.run(Math.min(timeoutMs, left));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InsertFailure("interrupted during " + what, ErrorClass.TRANSIENT, -1, e);
            } catch (Exception e) {
                Throwable cause = ClickHouseErrors.unwrap(e);
                ErrorClass kind = ClickHouseErrors.classify(cause);
                int code = ClickHouseErrors.code(cause);
                String reason = ClickHouseErrors.describe(cause);
                left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (kind != ErrorClass.TRANSIENT || n >= maxAttempts || left <= backoff) {
                    if (kind != ErrorClass.DATA) {
                        metrics.insertFailed(table);
                    }
                    throw new InsertFailure(what + " failed (" + kind + (code >= 0 ? ", code " + code : "")
                            + ", attempt " + n + "): " + reason, kind, code, cause);
                }
                metrics.retried(table);
                String from = shard.endpoint();
                if (shard.failover()) {
                    log.warn("{} failed on {} (attempt {}/{}), retrying on {} in {} ms: {}", what, from, n, maxAttempts,
                            shard.endpoint(), backoff, reason);
                } else {
                    log.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, n, maxAttempts, backoff, reason);
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InsertFailure("interrupted during " + what, ErrorClass.TRANSIENT, -1, ie);
                }
                backoff = Math.min(backoffMaxMs, backoff * 2);
            }
        }
    }
}
