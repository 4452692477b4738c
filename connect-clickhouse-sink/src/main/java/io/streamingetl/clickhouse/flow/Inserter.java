package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.client.ErrorClass;
import io.streamingetl.clickhouse.cluster.ShardHealth;
import io.streamingetl.clickhouse.config.ErrorSettings.CrashMode;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Inserts the buffers the partitions sealed, oldest first per target, and decides what a failure
 * means: a transient one keeps the buffer sealed for the next attempt (with one server the call
 * ends; with shards the shard is down for a backoff while the others are written); a schema error
 * rewinds every partition feeding the table so its rows are encoded again (twice per table at most
 * without a success in between, then the task fails); a range another task claimed rewinds its
 * partition to follow that task's claims; anything else fails the task.
 */
final class Inserter {
    private static final Logger log = LoggerFactory.getLogger(Inserter.class);
    private static final int SCHEMA_RETRIES = 2;

    private final FlowContext context;
    private final Partitions partitions;
    private final ShardHealth health;
    private final Map<TableId, Integer> schemaRetries = new HashMap<>();
    private CrashMode crash;

    Inserter(FlowContext context, Partitions partitions, ShardHealth health, CrashMode crash) {
        this.context = context;
        this.partitions = partitions;
        this.health = health;
        this.crash = crash;
    }

    /**
     * Inserts every sealed buffer of every partition. With one server a transient failure ends the
     * call (Connect pauses and calls again). With shards, a shard that fails is down for a backoff:
     * its buffers wait while the other shards' go in, and the call ends only when no shard is left,
     * the deadline is spent, or the buffers are full.
     */
    void insertSealed(long deadline) {
        boolean[] down = new boolean[health.count()];
        long now = context.nowMs();
        int downCount = 0;
        for (int s = 0; s < down.length; s++) {
            down[s] = health.isDown(s, now);
            downCount += down[s] ? 1 : 0;
        }
        RetriableException failure = null;
        for (PartitionFlow flow : new ArrayList<>(partitions.all())) {
            TableBuffer b;
            while ((b = flow.nextSealed(s -> down[s])) != null) {
                try {
                    if (!insert(flow, b, deadline)) {
                        break; // rewound: the partition's records come again
                    }
                } catch (RetriableException e) {
                    if (down.length == 1 || System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                    health.markDown(b.shard(), context.nowMs());
                    down[b.shard()] = true;
                    downCount++;
                    failure = e;
                    log.warn("{} is unavailable; its rows wait (commits of the partitions owing it rows too) while "
                            + "the other shards are written: {}", health.name(b.shard()), e.getMessage());
                }
            }
        }
        if (failure != null && (downCount == down.length || context.budget().full())) {
            throw failure;
        }
    }

    /** A shard that is down keeps its buffers: when they fill the budget, the task takes no more records. */
    void requireRoom() {
        if (context.budget().full() && health.anyDown(context.nowMs())) {
            throw new RetriableException("the task's buffers are full (" + context.budget().bytes()
                    + " bytes allocated) with rows for a shard that is down; taking no more records until it answers");
        }
    }

    /** Inserts what {@code flow} has sealed, whatever the shards' health (close: the last chance). */
    void drain(PartitionFlow flow, long deadline) {
        TableBuffer b;
        while ((b = flow.nextSealed()) != null && insert(flow, b, deadline)) {
            // next
        }
    }

    /** Returns false when the partition was rewound instead. */
    private boolean insert(PartitionFlow flow, TableBuffer buf, long deadline) {
        try {
            if (!buf.format().typesCheckedByServer() && !context.destination().stillMatches(buf)) {
                throw new InsertFailure("the columns of " + buf.table() + " changed since its rows were encoded",
                        ErrorClass.SCHEMA, -1, null);
            }
            long sentMs = System.currentTimeMillis();
            buf.attempted();
            context.destination().insert(buf, deadline, context.upstream());
            if (SinkFlow.TIMELINE.isDebugEnabled()) {
                SinkFlow.TIMELINE.debug("insert {} {}-{} {}..{} rows {} sealed {} sent {} done {} task buffers {} bytes",
                        buf.table(), buf.partition().topic(), buf.partition().partition(), buf.firstOffset(),
                        buf.lastOffset(), buf.rows(), buf.sealedMs(), sentMs, System.currentTimeMillis(),
                        context.budget().bytes());
            }
        } catch (InsertFailure f) {
            if (f.errorClass() == ErrorClass.TRANSIENT) {
                // The buffer stays sealed; Connect pauses, then calls put() again and it goes first.
                throw new RetriableException(f.getMessage(), f);
            }
            if (f.errorClass() == ErrorClass.FENCED) {
                log.warn("{}; re-reading the claims of {} and taking its records again from there", f.getMessage(),
                        flow.partition());
                partitions.reclaim(flow);
                return false;
            }
            if (f.errorClass() == ErrorClass.SCHEMA
                    && schemaRetries.merge(buf.table(), 1, Integer::sum) <= SCHEMA_RETRIES) {
                log.warn("{}; re-reading {} and re-delivering its partitions", f.getMessage(), buf.table());
                context.destination().tableChanged(buf.table());
                partitions.rewind(buf.table());
                return false;
            }
            throw new ConnectException(f.getMessage(), f);
        }
        flow.inserted(buf, context.nowMs());
        health.markUp(buf.shard());
        context.budget().released(buf);
        schemaRetries.remove(buf.table());
        if (crash != CrashMode.NONE) {
            crashAfterInsert(buf);
        }
        return true;
    }

    /** TEST ONLY (test.crash.after.insert): die between a successful insert and the offset commit. */
    private void crashAfterInsert(TableBuffer buf) {
        CrashMode mode = crash;
        crash = CrashMode.NONE;
        log.error("test.crash.after.insert={}: crashing after inserting {} offsets {}..{}", mode, buf.partition(),
                buf.firstOffset(), buf.lastOffset());
        if (mode == CrashMode.JVM) {
            Runtime.getRuntime().halt(137);
        }
        throw new ConnectException("test.crash.after.insert=task: crashed after insert, before offset commit");
    }
}
