package io.streamingetl.clickhouse.flow;

import com.clickhouse.data.ClickHouseColumn;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.client.ErrorClass;
import io.streamingetl.clickhouse.cluster.ShardHealth;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.config.BufferSettings;
import io.streamingetl.clickhouse.config.ErrorSettings;
import io.streamingetl.clickhouse.encode.DateRange;
import io.streamingetl.clickhouse.encode.Encoders;
import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.Range;
import io.streamingetl.clickhouse.state.RangeKey;
import io.streamingetl.clickhouse.state.RangeStore;
import io.streamingetl.clickhouse.write.ClickHouseWriter.RejectedRows;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import io.streamingetl.clickhouse.schema.SchemaChange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow's state machines without a server: a seeded model test that drives {@link SinkFlow}
 * through random sequences of what Connect and ClickHouse can do, against a model of each, and
 * checks after every step what exactly-once means.
 *
 * <p>Connect is modelled on WorkerSinkTask: batches polled from each partition's fetch position;
 * after a RetriableException the same batch again, after the seeks the task asked for; commits of
 * what preCommit returned, never past what was delivered; revoked partitions (preCommit, close,
 * commit) and lost ones (close, no commit), then open again from the committed offsets; crashes (a
 * new flow from the committed offsets, reading the remembered ranges). Records a transform drops
 * never reach put() but move the position. ClickHouse is modelled as tables of rows, an
 * insert-token set (deduplication), the range store, and a column version per table: an insert
 * fails before anything lands, lands without an answer, or is refused because the table's columns
 * changed (an ALTER between encode and insert); rows it refuses go to the dead letter queue.
 *
 * <p>Checked: at every commit, every record below the committed offset is in ClickHouse, a dead
 * letter or a tombstone; after every schema error, no buffer of that table is left encoded for the
 * old columns; the flow never gives up (no ConnectException); at the end every row is in ClickHouse
 * exactly once. The seed is printed; replay with {@code -Dflow.seed=N}, run longer with
 * {@code -Dflow.steps=N} (CI: 30,000 steps, about a second).
 */
class FlowModelTest {
    private static final String TOPIC = "events";
    private static final int PARTITIONS = 3;
    private static final int TABLES = 3;
    private static final Schema VALUE = SchemaBuilder.struct().name("row").field("t", Schema.INT32_SCHEMA)
            .field("id", Schema.INT64_SCHEMA).field("poison", Schema.BOOLEAN_SCHEMA).build();

    @Test
    void everyRowExactlyOnceThroughRandomRuntimeAndServerEvents() {
        long seed = Long.getLong("flow.seed", System.nanoTime());
        int steps = Integer.getInteger("flow.steps", 30_000);
        Run run = new Run(seed, steps);
        try {
            run.play(steps);
            run.drain();
            run.assertExactlyOnce();
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + " (replay: -Dflow.seed=" + seed + ") after " + run.events + ": "
                    + t + "\nlast steps:\n" + String.join("\n", run.trace), t);
        }
        System.out.printf("FlowModelTest seed %d: %d steps, %s%n", seed, steps, run.events);
        for (String kind : List.of("retriable", "seek", "schema error", "landed without answer", "revoked", "lost",
                "zombie", "fenced", "crash", "replay skipped", "dead letter", "filtered", "schema change applied")) {
            assertTrue(run.events.getOrDefault(kind, 0L) > 0, "the run exercised '" + kind + "': " + run.events);
        }
    }

    /** The log, Connect, ClickHouse and the flow under test, for one seed. */
    private static final class Run {
        final Random random;
        final Map<String, Long> events = new TreeMap<>();
        /** The last steps, printed when a check fails. */
        final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();
        final List<TopicPartition> partitions = new ArrayList<>();
        final Map<TopicPartition, List<Entry>> log = new LinkedHashMap<>();
        final Model clickHouse = new Model();
        /** The running task's side of Connect; a zombie keeps the one of its own time. */
        Dlq dlq = new Dlq(new HashSet<>());
        /** A task frozen past its session whose partitions moved to the running one, or null. */
        Zombie zombie;
        int tasksStarted;
        final Map<TopicPartition, Long> fetch = new HashMap<>();
        final Map<TopicPartition, Long> current = new HashMap<>();
        final Map<TopicPartition, Long> committed = new HashMap<>();
        /** Per partition, up to where committed records were found in ClickHouse (rows never leave it). */
        final Map<TopicPartition, Long> verified = new HashMap<>();
        /** Records per partition: about what the steps consume, so faults meet records all along. */
        final int records;
        List<Entry> retained;
        long nowMs = 1_000_000;
        SinkFlow flow;
        SinkMetrics metrics;
        BufferSettings buffering;

        Run(long seed, int steps) {
            random = new Random(seed);
            records = Math.max(1_000, steps / 2);
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                partitions.add(tp);
                List<Entry> entries = new ArrayList<>();
                for (int o = 0; o < records; o++) {
                    entries.add(Entry.random(tp, o, random));
                }
                log.put(tp, entries);
                committed.put(tp, 0L);
            }
            clickHouse.trace = this::trace;
            clickHouse.log = log;
            clickHouse.random = random;
            startTask();
        }

        void count(String what) {
            events.merge(what, 1L, Long::sum);
        }

        void trace(String what) {
            if (trace.size() == Integer.getInteger("flow.trace", 80)) {
                trace.removeFirst();
            }
            trace.addLast(what);
        }

        /** A new task: a new flow, positions from the committed offsets. */
        void startTask() {
            closeMetrics();
            clickHouse.plans = new HashMap<>(); // a new task plans from scratch
            metrics = new SinkMetrics("model", tasksStarted++ % 2); // a zombie's metrics live on beside its successor's
            buffering = new BufferSettings(List.of(5, 50, 500).get(random.nextInt(3)),
                    List.of(4_096L, 1L << 20).get(random.nextInt(2)), List.of(10L, 100L, 1_000L).get(random.nextInt(3)),
                    List.of(-1L, 0L, 50L).get(random.nextInt(3)));
            ErrorSettings errors = new ErrorSettings(2, 1, 10, 60_000, true, ErrorSettings.CrashMode.NONE);
            flow = new SinkFlow("model", clickHouse, dlq, buffering, errors, new ShardHealth(List.of("shard 1"), 1, 10),
                    metrics, true, () -> nowMs);
            retained = null;
            flow.open(partitions);
            for (TopicPartition tp : partitions) {
                fetch.put(tp, committed.get(tp));
                current.put(tp, committed.get(tp));
            }
        }

        void play(int steps) {
            for (int step = 0; step < steps; step++) {
                nowMs += random.nextInt(40);
                clickHouse.faults = random.nextInt(4) == 0; // a step in which inserts may fail
                if (zombie != null && random.nextInt(3) == 0) {
                    clickHouse.zombieActs = true;
                    try {
                        zombie.act();
                    } finally {
                        clickHouse.zombieActs = false;
                    }
                    continue;
                }
                int action = random.nextInt(100);
                if (action < 60) {
                    deliver();
                } else if (action < 78) {
                    commit();
                } else if (action < 82) {
                    alterATable();
                } else if (action < 88) {
                    revoke();
                } else if (action < 92) {
                    lose();
                } else if (action < 93) {
                    freeze();
                } else if (action < 96) {
                    count("crash");
                    trace("crash");
                    startTask();
                } else {
                    nowMs += 2_000; // time passes without records: buffers fall due
                    applySeeks();
                    deliver(retained != null ? retained : List.of());
                }
            }
        }

        /**
         * The running task freezes past its session (GC pause, SIGSTOP, VM freeze) or is cut off from
         * the group but not from ClickHouse: its partitions move to a new task, which starts from the
         * committed offsets, while the old one goes on (a zombie) with the records it fetched and
         * fetches, inserting and committing in vain, until its consumer learns the partitions are lost.
         */
        void freeze() {
            if (zombie != null) {
                return;
            }
            count("zombie");
            trace("freeze: the partitions move to a new task, the old one goes on as a zombie");
            zombie = new Zombie(this, flow, dlq, metrics, fetch, current, retained);
            clickHouse.zombiePlans = clickHouse.plans;
            metrics = null;
            dlq = new Dlq(dlq.seen);
            startTask();
        }

        /** Faults off: deliver and commit until everything is committed. */
        void drain() {
            if (zombie != null) {
                zombie.dies();
            }
            events.put("committed before the drain", committed.values().stream().mapToLong(Long::longValue).sum());
            clickHouse.faults = false;
            for (int round = 0; round < 100_000 && !allCommitted(); round++) {
                nowMs += 50;
                deliver();
                commit();
            }
            assertTrue(allCommitted(), "everything committed: " + committed);
        }

        /** A task whose partitions moved on: it acts as WorkerSinkTask would until its poll learns it. */
        static final class Zombie {
            final Run run;
            final SinkFlow flow;
            final Dlq upstream;
            final SinkMetrics metrics;
            final Map<TopicPartition, Long> fetch;
            final Map<TopicPartition, Long> current;
            List<Entry> retained;

            Zombie(Run run, SinkFlow flow, Dlq upstream, SinkMetrics metrics, Map<TopicPartition, Long> fetch,
                   Map<TopicPartition, Long> current, List<Entry> retained) {
                this.run = run;
                this.flow = flow;
                this.upstream = upstream;
                this.metrics = metrics;
                this.fetch = new HashMap<>(fetch);
                this.current = new HashMap<>(current);
                this.retained = retained;
            }

            void act() {
                int action = run.random.nextInt(10);
                if (action < 6) {
                    upstream.seeks.forEach((tp, offset) -> {
                        fetch.put(tp, offset);
                        current.put(tp, offset);
                    });
                    upstream.seeks.clear();
                    List<Entry> batch = retained != null ? retained : run.poll(fetch);
                    List<SinkRecord> records = batch.stream().filter(e -> !e.filtered).map(e -> e.record).toList();
                    run.trace("zombie put " + describe(batch));
                    try {
                        flow.put(records);
                        retained = null;
                        batch.forEach(e -> current.put(e.tp, e.offset + 1));
                    } catch (RetriableException e) {
                        retained = batch;
                    } catch (ConnectException e) {
                        run.trace("  -> the zombie's task fails: " + e.getMessage());
                        dies(); // a zombie may fail (a table altered under it twice): it is gone either way
                    }
                } else if (action < 9) {
                    Map<TopicPartition, OffsetAndMetadata> offered = new HashMap<>();
                    current.forEach((tp, o) -> offered.put(tp, new OffsetAndMetadata(o)));
                    run.trace("zombie preCommit (its commit fails)");
                    flow.preCommit(offered);
                } else {
                    dies();
                }
            }

            /** Its poll reports the partitions lost: closed without a commit. */
            void dies() {
                run.trace("zombie learns its partitions are lost");
                flow.close(run.partitions);
                metrics.close();
                run.zombie = null;
            }
        }

        boolean allCommitted() {
            return partitions.stream().allMatch(tp -> committed.get(tp) == records);
        }

        /** One iteration of WorkerSinkTask.poll(): the seeks the task asked for, then the retained batch or a new one. */
        void deliver() {
            applySeeks();
            deliver(retained != null ? retained : poll());
        }

        /** The next batch: up to 60 records from each partition's fetch position, interleaved by partition. */
        List<Entry> poll() {
            return poll(fetch);
        }

        List<Entry> poll(Map<TopicPartition, Long> fetch) {
            List<Entry> batch = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (random.nextInt(3) == 0) {
                    continue;
                }
                int from = (int) (long) fetch.get(tp);
                int to = Math.min(records, from + random.nextInt(60));
                batch.addAll(log.get(tp).subList(from, to));
                fetch.put(tp, (long) to);
            }
            return batch;
        }

        /** put() the batch as WorkerSinkTask does: filtered records never reach the task. */
        void deliver(List<Entry> batch) {
            List<SinkRecord> records = new ArrayList<>();
            for (Entry e : batch) {
                if (e.filtered) {
                    count("filtered");
                } else {
                    records.add(e.record);
                }
            }
            trace("put " + describe(batch) + (retained != null ? " (again)" : ""));
            try {
                flow.put(records);
            } catch (RetriableException e) {
                count("retriable");
                trace("  -> retriable: " + e.getMessage());
                retained = batch;
                return;
            } catch (ConnectException e) {
                throw new AssertionError("the flow gave up: " + e.getMessage(), e);
            }
            retained = null;
            for (Entry e : batch) {
                current.put(e.tp, e.offset + 1);
            }
            if (Boolean.getBoolean("flow.traceState")) {
                flow.partitions().all().forEach(f -> trace("  state " + f));
            }
            checkNoStaleBuffers();
        }

        /** WorkerSinkTask.rewind(): the task's seeks move the fetch position and the offsets it reports. */
        void applySeeks() {
            dlq.seeks.forEach((tp, offset) -> {
                count("seek");
                trace("seek " + tp + " to " + offset);
                fetch.put(tp, offset);
                current.put(tp, offset);
            });
            dlq.seeks.clear();
        }

        void commit() {
            Map<TopicPartition, OffsetAndMetadata> offered = new HashMap<>();
            current.forEach((tp, o) -> offered.put(tp, new OffsetAndMetadata(o)));
            Map<TopicPartition, OffsetAndMetadata> result;
            try {
                result = flow.preCommit(offered);
            } catch (ConnectException e) {
                throw new AssertionError("the flow gave up in preCommit: " + e.getMessage(), e);
            }
            checkNoStaleBuffers();
            commit(result);
        }

        void commit(Map<TopicPartition, OffsetAndMetadata> result) {
            trace("commit " + new TreeMap<>(result.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().toString(), e -> e.getValue().offset()))));
            result.forEach((tp, o) -> {
                assertTrue(o.offset() <= current.get(tp), tp + ": commit " + o.offset() + " past " + current.get(tp));
                committed.put(tp, o.offset());
            });
            assertCommittedIsInClickHouse();
        }

        /** A rebalance that revokes every partition: preCommit, close, commit; then the same partitions again. */
        void revoke() {
            count("revoked");
            trace("revoke all");
            Map<TopicPartition, OffsetAndMetadata> offered = new HashMap<>();
            current.forEach((tp, o) -> offered.put(tp, new OffsetAndMetadata(o)));
            Map<TopicPartition, OffsetAndMetadata> result = flow.preCommit(offered);
            flow.close(partitions);
            commit(result);
            reassign();
        }

        /** Partitions lost (the group moved on without this task): closed without a commit. */
        void lose() {
            count("lost");
            trace("lose all");
            flow.close(partitions);
            reassign();
        }

        void reassign() {
            retained = null;
            dlq.seeks.clear();
            flow.open(partitions);
            for (TopicPartition tp : partitions) {
                fetch.put(tp, committed.get(tp));
                current.put(tp, committed.get(tp));
            }
        }

        /** An ALTER of one table's columns (another task's widen, an operator), once its last one was seen by an insert. */
        void alterATable() {
            TableId table = Model.table(random.nextInt(TABLES));
            if (clickHouse.alter(table)) {
                count("alter");
                trace("alter " + table);
            }
        }

        /** Everything below a committed offset is in ClickHouse (or was a tombstone, filtered, or a dead letter). */
        void assertCommittedIsInClickHouse() {
            for (TopicPartition tp : partitions) {
                long upTo = committed.get(tp);
                long from = verified.getOrDefault(tp, 0L);
                if (upTo <= from) {
                    continue;
                }
                verified.put(tp, upTo);
                for (Entry e : log.get(tp).subList((int) from, (int) upTo)) {
                    boolean there = e.lands() ? clickHouse.rows.containsKey(e.id)
                            : ((e.bad || e.poison) && !e.filtered) ? dlq.has(e)
                            : !e.marker || clickHouse.appliedMarkers.contains(e.tp.partition() + "@" + e.offset);
                    if (!there) {
                        throw new AssertionError(tp + " committed up to " + upTo + " but offset " + e.offset
                                + " (" + e.describe() + ") is neither in ClickHouse nor a dead letter");
                    }
                }
            }
        }

        /** After a schema error on a table, no partition may keep rows encoded for its old columns. */
        void checkNoStaleBuffers() {
            for (PartitionFlow f : flow.partitions().all()) {
                for (TableBuffer b : f.buffers()) {
                    int encodedFor = clickHouse.versionOf.get(b.format());
                    Integer failedAt = clickHouse.schemaErrorAt.get(b.table());
                    if (failedAt != null && encodedFor < failedAt) {
                        throw new AssertionError("after a schema error on " + b.table() + " (version " + failedAt + "), "
                                + f.partition() + " still holds rows encoded for version " + encodedFor + ": " + f);
                    }
                }
            }
        }

        static String describe(List<Entry> batch) {
            Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
            for (Entry e : batch) {
                long[] r = ranges.computeIfAbsent(e.tp, k -> new long[] {e.offset, e.offset});
                r[1] = e.offset;
            }
            StringBuilder b = new StringBuilder();
            ranges.forEach((tp, r) -> b.append(tp).append(' ').append(r[0]).append("..").append(r[1]).append("; "));
            return b.toString();
        }

        void assertExactlyOnce() {
            Map<Long, Integer> expected = new TreeMap<>();
            for (List<Entry> entries : log.values()) {
                for (Entry e : entries) {
                    if (e.lands()) {
                        expected.put(e.id, e.table);
                    }
                }
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<Long, Integer> e : expected.entrySet()) {
                List<Integer> in = clickHouse.rows.get(e.getKey());
                if (in == null) {
                    problems.add("id " + e.getKey() + " missing");
                } else if (in.size() != 1 || in.get(0) != (int) e.getValue()) {
                    problems.add("id " + e.getKey() + " in tables " + in + ", expected once in t" + e.getValue());
                }
            }
            for (Long id : clickHouse.rows.keySet()) {
                if (!expected.containsKey(id)) {
                    problems.add("id " + id + " should not be in ClickHouse");
                }
            }
            assertEquals(List.of(), problems.subList(0, Math.min(10, problems.size())),
                    problems.size() + " rows not exactly once");
            for (List<Entry> entries : log.values()) {
                for (Entry e : entries) {
                    if ((e.bad || e.poison) && !e.filtered) {
                        assertTrue(dlq.has(e), "a dead letter for " + e.describe());
                    }
                }
            }
            closeMetrics();
            events.put("dead letter", (long) dlq.seen.size());
            events.put("schema change applied", (long) clickHouse.appliedMarkers.size());
            for (List<Entry> entries : log.values()) {
                for (Entry e : entries) {
                    if (e.marker && !e.filtered) {
                        assertTrue(clickHouse.appliedMarkers.contains(e.tp.partition() + "@" + e.offset),
                                "the schema change " + e.describe() + " was applied");
                    }
                }
            }
            events.put("schema error", (long) clickHouse.schemaErrors);
            events.put("landed without answer", (long) clickHouse.landedWithoutAnswer);
            events.put("fenced", (long) clickHouse.fenced);
        }

        /** Closes the task's metrics, counting the records it skipped as inserted before (a replay). */
        void closeMetrics() {
            if (metrics == null) {
                return;
            }
            metrics.registry().metrics().forEach((name, metric) -> {
                if (name.name().equals("records-replay-skipped-total")) {
                    events.merge("replay skipped", ((Number) metric.metricValue()).longValue(), Long::sum);
                }
            });
            metrics.close();
            metrics = null;
        }
    }

    /** One record of the log, and what it is meant to become. */
    private static final class Entry {
        final TopicPartition tp;
        final long offset;
        final long id;
        final int table;
        final boolean tombstone;
        final boolean bad;
        final boolean poison;
        final boolean filtered;
        /** A schema-change marker of its table (an ALTER the source ran at this place of the stream). */
        final boolean marker;
        final SinkRecord record;

        private Entry(TopicPartition tp, long offset, int table, boolean tombstone, boolean bad, boolean poison,
                      boolean filtered, boolean marker) {
            this.tp = tp;
            this.offset = offset;
            this.id = tp.partition() * 1_000_000L + offset;
            this.table = table;
            this.tombstone = tombstone;
            this.bad = bad;
            this.poison = poison;
            this.filtered = filtered;
            this.marker = marker;
            if (marker) {
                ConnectHeaders headers = new ConnectHeaders();
                headers.addString(SchemaChange.HEADER, "{\"format\":1,\"kind\":\"ALTER\",\"db\":\"db\",\"table\":\"t"
                        + table + "\",\"version\":" + id + ",\"ddl\":\"ALTER TABLE t" + table + " ...\"}");
                this.record = new SinkRecord(tp.topic(), tp.partition(), null, null, null, null, offset, null,
                        TimestampType.NO_TIMESTAMP_TYPE, headers);
                return;
            }
            Struct value = tombstone ? null : new Struct(VALUE).put("t", bad ? -1 : table).put("id", id)
                    .put("poison", poison);
            this.record = new SinkRecord(tp.topic(), tp.partition(), null, null, tombstone ? null : VALUE, value, offset);
        }

        static Entry random(TopicPartition tp, long offset, Random r) {
            int kind = r.nextInt(100);
            // Schema changes come for a table of the partition's own (as the SMT puts them on the table's own
            // topic); the shared tables are fed by every partition and change by ALTERs.
            int table = kind == 5 || r.nextInt(4) == 0 ? TABLES + tp.partition() : r.nextInt(TABLES);
            return new Entry(tp, offset, table, kind == 0, kind == 1, kind == 2, kind == 3 || kind == 4, kind == 5);
        }

        /** Whether its row is meant to be in ClickHouse. */
        boolean lands() {
            return !tombstone && !bad && !poison && !filtered && !marker;
        }

        String describe() {
            return tp + "@" + offset + (tombstone ? " tombstone" : bad ? " bad" : poison ? " refused by ClickHouse"
                    : filtered ? " filtered" : marker ? " schema change of t" + table : " for t" + table);
        }
    }

    /** What the next insert attempt meets. */
    private enum Fault { NONE, FAILS, LANDS_WITHOUT_ANSWER }

    /**
     * ClickHouse, the planner and the range store: rows per id (the tables they landed in), tokens
     * seen (deduplication without a window), the remembered ranges, a column version per table, and
     * the plans the planner cached, each encoded for the version current when it was built.
     */
    private static final class Model implements Destination {
        final Map<Long, List<Integer>> rows = new HashMap<>();
        final Set<String> tokens = new HashSet<>();
        /** The newest claim per key, as the range table's FINAL reads it (the greatest last offset). */
        final Map<RangeKey, Range> ranges = new HashMap<>();
        /** Every claim per key, and the claim tokens seen: of two claims of one offset, the first is kept. */
        final Map<RangeKey, List<Range>> claims = new HashMap<>();
        final Set<String> claimTokens = new HashSet<>();
        final Map<TableId, Integer> versions = new HashMap<>();
        /** The running task's planner; a zombie keeps the one of its own time. */
        Map<TableId, ColumnPlan> plans = new HashMap<>();
        Map<TableId, ColumnPlan> zombiePlans = new HashMap<>();
        final IdentityHashMap<RowFormat, Integer> versionOf = new IdentityHashMap<>();
        /** Per table, the column version when an insert last failed on it: rows encoded for older ones are stale. */
        final Map<TableId, Integer> schemaErrorAt = new HashMap<>();
        /** Tables altered since their last successful insert: one ALTER at a time per table. */
        final Set<TableId> altered = new HashSet<>();
        /** Markers applied at least once (a replay applies one again, as the sink's changes are idempotent). */
        final Set<String> appliedMarkers = new HashSet<>();
        Map<TopicPartition, List<Entry>> log;
        /** Whether inserts fail now, each at random: a fault in the middle of a put, after others went in. */
        boolean faults;
        Random random;
        java.util.function.Consumer<String> trace = line -> { };
        int schemaErrors;
        int landedWithoutAnswer;
        int fenced;
        /** The zombie is calling: schema errors it meets tell nothing of the running task's buffers. */
        boolean zombieActs;

        static TableId table(int t) {
            return new TableId("db", "t" + t);
        }

        Map<TableId, ColumnPlan> planner() {
            return zombieActs ? zombiePlans : plans;
        }

        int version(TableId table) {
            return versions.getOrDefault(table, 0);
        }

        boolean alter(TableId table) {
            if (!altered.add(table)) {
                return false;
            }
            versions.put(table, version(table) + 1);
            return true;
        }

        @Override
        public Target target(SinkRecord record) {
            if (SchemaChange.isMarker(record)) {
                return new Target(new TableId("db", SchemaChange.of(record).table()), 0);
            }
            int t = ((Struct) record.value()).getInt32("t");
            if (t < 0) {
                throw new DataException("field 't' is negative");
            }
            return new Target(table(t), 0);
        }

        @Override
        public ColumnPlan plan(SinkRecord record, Target target) {
            return planner().computeIfAbsent(target.table(), table -> {
                ColumnPlan.Slot id = new ColumnPlan.Slot("id", "Int64", VALUE.field("id"), null, Schema.INT64_SCHEMA,
                        null, Encoders.nullableAware(ClickHouseColumn.of("id", "Int64"), DateRange.MYSQL), false, true);
                // Odd versions use the format without a header, which the flow checks against the table itself.
                ColumnPlan plan = new ColumnPlan(table, List.of(id), version(table) % 2 == 1, true, false);
                versionOf.put(plan.format(), version(table));
                return plan;
            });
        }

        @Override
        public Map<RangeKey, Range> rememberedRanges(Collection<TopicPartition> partitions) {
            Map<RangeKey, Range> out = new HashMap<>();
            ranges.forEach((k, r) -> {
                if (partitions.contains(k.partition())) {
                    out.put(k, r);
                }
            });
            return out;
        }

        @Override
        public void insert(TableBuffer buffer, long deadlineNanos, RejectedRows rejected) throws InsertFailure {
            Fault fault = faults && random.nextInt(3) == 0
                    ? (random.nextBoolean() ? Fault.FAILS : Fault.LANDS_WITHOUT_ANSWER) : Fault.NONE;
            trace.accept("  insert " + buffer.table() + " " + buffer.partition() + " rows " + buffer.firstOffset() + ".."
                    + buffer.lastOffset() + " token " + buffer.rangeFirst() + "-" + buffer.rangeLast()
                    + (buffer.isReplay() ? " (replay)" : "") + " " + fault);
            if (fault == Fault.FAILS) {
                throw new InsertFailure("connection refused", ErrorClass.TRANSIENT, -1, null);
            }
            // The writer claims the range before the data goes in.
            RangeKey key = new RangeKey(buffer.target(), buffer.partition());
            Range range = new Range(buffer.rangeFirst(), buffer.rangeLast());
            remember(key, range);
            if (!RangeStore.stillOurs(claims.get(key), range)) {
                trace.accept("    fenced: " + claims.get(key));
                fenced++;
                throw new InsertFailure("another task holds the claim", ErrorClass.FENCED, -1, null);
            }
            if (!versionOf.get(buffer.format()).equals(version(buffer.table()))) {
                trace.accept("    schema error");
                schemaErrors++;
                if (!zombieActs) {
                    schemaErrorAt.put(buffer.table(), version(buffer.table()));
                }
                throw new InsertFailure("Code: 16. No such column", ErrorClass.SCHEMA, 16, null);
            }
            if (tokens.add(buffer.token())) {
                for (int i = 0; i < buffer.rows(); i++) {
                    Struct value = (Struct) buffer.recordOf(i).value();
                    if (value.getBoolean("poison")) {
                        rejected.rejected(buffer, i, new InsertFailure("Code: 469. Constraint", ErrorClass.DATA, 469, null));
                    } else {
                        rows.computeIfAbsent(value.getInt64("id"), k -> new ArrayList<>())
                                .add(Integer.parseInt(buffer.table().table().substring(1)));
                    }
                }
            }
            altered.remove(buffer.table());
            if (fault == Fault.LANDS_WITHOUT_ANSWER) {
                landedWithoutAnswer++;
                throw new InsertFailure("socket timeout", ErrorClass.TRANSIENT, -1, null);
            }
        }

        /**
         * The source's ALTER at the marker's place: the table's columns change. Checked: every row of
         * the partition before the marker for that table is in, and none after it.
         */
        @Override
        public Set<TableId> applySchemaChange(SinkRecord marker, Target target) {
            TableId table = target.table();
            int t = Integer.parseInt(table.table().substring(1));
            for (Entry e : log.get(new TopicPartition(marker.topic(), marker.kafkaPartition()))) {
                if (e.table != t || !e.lands()) {
                    continue;
                }
                boolean in = rows.containsKey(e.id);
                if (e.offset < marker.kafkaOffset() && !in) {
                    throw new AssertionError("schema change at " + marker.kafkaOffset() + " applied before the row at "
                            + e.offset + " of " + table + " went in");
                }
                if (e.offset > marker.kafkaOffset() && in && !appliedMarkers.contains(marker.kafkaPartition() + "@"
                        + marker.kafkaOffset())) {
                    throw new AssertionError("schema change at " + marker.kafkaOffset() + " applied after the row at "
                            + e.offset + " of " + table + " went in");
                }
            }
            if (appliedMarkers.add(marker.kafkaPartition() + "@" + marker.kafkaOffset())) {
                versions.put(table, version(table) + 1);
            }
            planner().remove(table);
            trace.accept("  schema change of " + table + " at " + marker.kafkaOffset());
            return Set.of(table);
        }

        @Override
        public void rememberApplied(Target target, TopicPartition partition, long offset) {
            remember(new RangeKey(target, partition), new Range(offset, offset));
        }

        void remember(RangeKey key, Range range) {
            if (claimTokens.add(key + "@" + range.first())) {
                claims.computeIfAbsent(key, k -> new ArrayList<>()).add(range);
                Range newest = ranges.get(key);
                if (newest == null || range.last() >= newest.last()) {
                    ranges.put(key, range);
                }
            }
        }

        @Override
        public boolean stillMatches(TableBuffer buffer) {
            if (versionOf.get(buffer.format()).equals(version(buffer.table()))) {
                return true;
            }
            schemaErrors++;
            if (!zombieActs) {
                schemaErrorAt.put(buffer.table(), version(buffer.table()));
            }
            return false;
        }

        @Override
        public void tableChanged(TableId table) {
            planner().remove(table);
        }
    }

    /** Connect's side: seeks the task asks for, and the dead letter queue. */
    private static final class Dlq implements Upstream {
        final Map<TopicPartition, Long> seeks = new HashMap<>();
        /** Dead letters, of every task. */
        final Set<String> seen;

        Dlq(Set<String> seen) {
            this.seen = seen;
        }

        @Override
        public void seek(TopicPartition partition, long offset) {
            seeks.put(partition, offset);
        }

        @Override
        public void bad(SinkRecord record, RuntimeException cause) {
            seen.add(record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset());
        }

        @Override
        public void rejected(TableBuffer buffer, int row, InsertFailure why) {
            bad(buffer.recordOf(row), new DataException(why.getMessage()));
        }

        boolean has(Entry e) {
            return seen.contains(e.tp.topic() + "-" + e.tp.partition() + "@" + e.offset);
        }
    }
}
