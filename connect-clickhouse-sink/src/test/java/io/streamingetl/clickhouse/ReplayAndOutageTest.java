package io.streamingetl.clickhouse;

import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redelivery and outages against a real ClickHouse: no duplicates, nothing lost. */
class ReplayAndOutageTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static final AtomicInteger N = new AtomicInteger();
    static final Schema ROW = SchemaBuilder.struct().name("row").field("id", Schema.INT64_SCHEMA)
            .field("payload", Schema.STRING_SCHEMA).build();

    static Map<String, String> props(String name, String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", name);
        p.put("clickhouse.url", stack.clickHouse().httpUrl());
        p.put("buffer.flush.interval.ms", "0");
        p.put("retry.backoff.ms", "20");
        p.put("retry.backoff.max.ms", "100");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    static List<SinkRecord> rows(String topic, long from, long to) {
        List<SinkRecord> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(new SinkRecord(topic, 0, null, null, ROW, new Struct(ROW).put("id", i).put("payload", "p" + i), i));
        }
        return out;
    }

    static String q(String sql) {
        return stack.clickHouse().query(sql);
    }

    @Test
    void appendOnlyReplayAfterCrashBeforeCommitLeavesNoDuplicates() {
        String name = "replay-" + N.incrementAndGet();
        TopicPartition tp = new TopicPartition("append_rows", 0);
        // First life: inserts [0..299], then dies before any offset commit (the test-only hook).
        try (TaskRun first = new TaskRun(props(name, "buffer.max.rows", "300", "test.crash.after.insert", "task"),
                false, tp)) {
            assertThrows(ConnectException.class, () -> first.put(rows("append_rows", 0, 1000)));
        }
        assertEquals("300\n", q("SELECT count() FROM append_rows"));
        // Second life: Connect redelivers from offset 0 with other batch sizes and another max.rows.
        try (TaskRun second = new TaskRun(props(name, "buffer.max.rows", "450"), false, tp)) {
            second.put(rows("append_rows", 0, 137));
            second.put(rows("append_rows", 137, 640));
            // Crash again after everything was inserted but before a commit: replay all of it once more.
            assertEquals(640, second.committed(tp));
            second.crash();
        }
        try (TaskRun third = new TaskRun(props(name), false, tp)) {
            third.put(rows("append_rows", 0, 1000));
            assertEquals(1000, third.committed(tp));
        }
        assertEquals("1000\t1000\t499500\n", q("SELECT count(), uniqExact(id), sum(id) FROM append_rows"));
    }

    @Test
    void cdcReplayOfSameOffsetsLeavesNoDuplicates() {
        String name = "cdc-replay-" + N.incrementAndGet();
        String topic = "srv.replay_db.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(SinkTaskTest.cdc(topic, i, i % 10, "n" + i, "u", 100 + i, 0));
        }
        for (int round = 0; round < 2; round++) {
            try (TaskRun run = new TaskRun(props(name), false, tp)) {
                run.put(batch);
                assertEquals(50, run.committed(tp));
                run.crash();
            }
        }
        assertEquals("10\n", q("SELECT count() FROM replay_db.person FINAL"));
        assertEquals("9\tn49\n", q("SELECT id, name FROM replay_db.person FINAL ORDER BY id DESC LIMIT 1"));
    }

    @Test
    void clickHouseKilledAndRestartedMidStreamLosesNothing() {
        String name = "outage-" + N.incrementAndGet();
        TopicPartition tp = new TopicPartition("outage_rows", 0);
        try (TaskRun run = new TaskRun(props(name, "retry.max.attempts", "2"), false, tp)) {
            run.put(rows("outage_rows", 0, 500));
            assertEquals(500, run.committed(tp));

            stack.clickHouse().kill();
            List<SinkRecord> during = rows("outage_rows", 500, 1200);
            RetriableException e = assertThrows(RetriableException.class, () -> run.put(during));
            assertTrue(run.context.timeout > 0, "the task asked Connect to pause");
            assertEquals(500, run.committed(tp), "offsets of rows not in ClickHouse are not committed");
            // Connect retries the same batch while ClickHouse is still down.
            assertThrows(RetriableException.class, () -> run.put(during));

            stack.clickHouse().start();
            run.put(during); // the redelivered batch: buffered rows go in once
            run.put(rows("outage_rows", 1200, 1500));
            assertEquals(1500, run.committed(tp));
            assertTrue(e.getMessage().contains("outage_rows"), e.getMessage());
        }
        assertEquals("1500\t1500\n", q("SELECT count(), uniqExact(id) FROM outage_rows"));
    }

    /**
     * Regression: a flush inside put() failed with a transient error and Connect delivered the same
     * batch again, four times. The record that triggered the flush was appended again every round
     * (buffers of 3, 4, 5, 6 rows under one token). Now each offset is accounted before any insert
     * is tried, and a sealed buffer is retried as it was.
     */
    @Test
    void redeliveredBatchAfterAFailedFlushInsidePutAppendsNothingTwice() {
        String name = "redeliver-" + N.incrementAndGet();
        TopicPartition tp = new TopicPartition("redeliver_rows", 0);
        try (TaskRun run = new TaskRun(props(name, "buffer.max.rows", "3", "retry.max.attempts", "1"), false, tp)) {
            run.put(rows("redeliver_rows", 0, 3));
            assertEquals(3, run.committed(tp));
            stack.clickHouse().kill();
            List<SinkRecord> batch = rows("redeliver_rows", 3, 8);
            for (int round = 0; round < 4; round++) {
                assertThrows(RetriableException.class, () -> run.put(batch));
                assertEquals(3, run.committed(tp), "nothing past the failed insert is committed");
            }
            stack.clickHouse().start();
            run.put(batch);
            assertEquals(8, run.committed(tp));
        }
        assertEquals("8\t8\n", q("SELECT count(), uniqExact(id) FROM redeliver_rows"));
    }

    /** The same on the byte-limit path: the buffer that was being inserted takes no later rows. */
    @Test
    void redeliveryOnTheByteLimitPathKeepsTheSealedRangeAndToken() {
        String name = "redeliver-bytes-" + N.incrementAndGet();
        TopicPartition tp = new TopicPartition("redeliver_bytes", 0);
        try (TaskRun run = new TaskRun(props(name, "buffer.max.bytes", "1024", "retry.max.attempts", "1"), false, tp)) {
            run.put(wide("redeliver_bytes", 0, 2));
            stack.clickHouse().kill();
            List<SinkRecord> batch = wide("redeliver_bytes", 2, 9);
            for (int round = 0; round < 4; round++) {
                assertThrows(RetriableException.class, () -> run.put(batch));
            }
            stack.clickHouse().start();
            run.put(batch);
            run.put(wide("redeliver_bytes", 9, 12));
            assertEquals(12, run.committed(tp));
        }
        assertEquals("12\t12\n", q("SELECT count(), uniqExact(id) FROM redeliver_bytes"));
    }

    /** Rows of 600 bytes, so that two reach the 1 KiB byte budget. */
    static List<SinkRecord> wide(String topic, long from, long to) {
        List<SinkRecord> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(new SinkRecord(topic, 0, null, null, ROW, new Struct(ROW).put("id", i).put("payload", "x".repeat(600)), i));
        }
        return out;
    }

    /**
     * A range remembered from before a crash is replayed, but its last record never comes back (a
     * transform drops it now, or it went to the DLQ): the consumer position that preCommit receives
     * ends the replay, and the commit moves on.
     */
    @Test
    void replayedRangeWhoseLastRecordNeverComesBackDoesNotStall() {
        String name = "replay-stall-" + N.incrementAndGet();
        TopicPartition tp = new TopicPartition("replay_stall", 0);
        try (TaskRun first = new TaskRun(props(name, "buffer.max.rows", "10", "test.crash.after.insert", "task"),
                false, tp)) {
            assertThrows(ConnectException.class, () -> first.put(rows("replay_stall", 0, 20)));
        }
        assertEquals("10\n", q("SELECT count() FROM replay_stall"));
        try (TaskRun second = new TaskRun(props(name, "buffer.max.rows", "10"), false, tp)) {
            second.put(rows("replay_stall", 0, 9)); // offset 9 never arrives
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> position =
                    Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(10));
            assertEquals(10, second.task.preCommit(position).get(tp).offset(), "the replay ended at the position");
            second.put(rows("replay_stall", 10, 20));
            assertEquals(20, second.committed(tp));
        }
        assertEquals("20\t20\n", q("SELECT count(), uniqExact(id) FROM replay_stall"));
    }

    /**
     * Two tasks that both believe they own a partition (one frozen past its session while the group
     * gave the partition to the other, or cut off from the group but not from ClickHouse): each
     * range goes in once, by whichever claims it first, and the other follows its claims.
     */
    @Test
    void twoTasksThatBothOwnAPartitionInsertEveryRowOnce() {
        String name = "zombie-" + N.incrementAndGet();
        String topic = "zombie_rows";
        TopicPartition tp = new TopicPartition(topic, 0);
        String counts = "SELECT count(), uniqExact(id) FROM " + topic;
        TaskRun zombie = new TaskRun(props(name, "buffer.max.rows", "100", "buffer.flush.interval.ms", "600000"),
                false, tp);
        TaskRun owner = new TaskRun(props(name, "buffer.max.rows", "150"), false, tp);
        try {
            zombie.put(rows(topic, 0, 250)); // [0..99] and [100..199] go in; 200..249 wait in a buffer
            assertEquals("200\t200\n", q(counts));
            owner.put(rows(topic, 0, 400)); // from the committed offset (none): replays [100..199], claims 200..
            assertEquals("400\t400\n", q(counts));

            zombie.put(rows(topic, 250, 300)); // wakes: its full buffer [200..299] is the owner's range now
            assertEquals(Map.of(tp, 200L), zombie.context.seeks, "the zombie is sent back to follow the claims");
            assertEquals("400\t400\n", q(counts));
            putFollowingSeeks(zombie, topic, 200, 450); // skips the owner's ranges; 400..449 wait
            zombie.close(); // revoked at last: it claims and inserts [400..449] before the owner got there
            assertEquals("450\t450\n", q(counts));

            putFollowingSeeks(owner, topic, 400, 500); // its [400..499] is refused: it re-cuts the zombie's range
            assertEquals(500, owner.committed(tp));
            assertEquals("500\t500\n", q(counts));
        } finally {
            owner.close();
        }
    }

    /**
     * ClickHouse killed between keeping a claim's token and committing its row leaves a claim that is
     * dropped as a repeat yet not there (LocalDeployEndToEndTest's kill -9 found it: the task fenced
     * itself forever). Here the row goes by a mutation while its token stays: the task writes the
     * claim again and goes on.
     */
    @Test
    void aClaimDroppedAsARepeatButNotThereIsWrittenAgain() {
        String name = "lost-claim-" + N.incrementAndGet();
        String topic = "lost_claim_rows";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (TaskRun run = new TaskRun(props(name, "buffer.max.rows", "10"), false, tp)) {
            run.put(rows(topic, 0, 10));
            run.crash();
        }
        q("ALTER TABLE _clickhouse_sink_ranges DELETE WHERE connector = '" + name + "' SETTINGS mutations_sync = 2");
        try (TaskRun run = new TaskRun(props(name, "buffer.max.rows", "10"), false, tp)) {
            putFollowingSeeks(run, topic, 0, 20);
            assertEquals(20, run.committed(tp));
        }
        assertEquals("20\t20\n", q("SELECT count(), uniqExact(id) FROM " + topic));
    }

    /** put() as Connect delivers: after the task asks for a seek, the records again from there. */
    private static void putFollowingSeeks(TaskRun run, String topic, long from, long to) {
        run.context.seeks.clear();
        run.put(rows(topic, from, to));
        for (int i = 0; i < 3 && !run.context.seeks.isEmpty(); i++) {
            long seek = run.context.seeks.values().iterator().next();
            run.context.seeks.clear();
            run.put(rows(topic, seek, to));
        }
        assertTrue(run.context.seeks.isEmpty(), "the task settled after its seeks: " + run.context.seeks);
    }

    /** Rows the server refuses (a CHECK constraint of a table the user made) go to the DLQ; the rest land. */
    @Test
    void rowsTheServerRefusesGoToTheDeadLetterQueueAndTheRestLands() {
        q("CREATE TABLE refused_rows (id Int64, payload String, CONSTRAINT no_sevens CHECK id % 10 != 7)"
                + " ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100");
        TopicPartition tp = new TopicPartition("refused_rows", 0);
        try (TaskRun run = new TaskRun(props("refused-" + N.incrementAndGet(), "errors.tolerance", "all"), true, tp)) {
            run.put(rows("refused_rows", 0, 50));
            assertEquals(50, run.committed(tp));
            assertEquals(List.of(7L, 17L, 27L, 37L, 47L), run.context.errant.stream().map(SinkRecord::kafkaOffset).toList());
            assertTrue(run.context.errantCauses.get(0).getMessage().contains("no_sevens"),
                    run.context.errantCauses.get(0).getMessage());
        }
        assertEquals("45\t0\n", q("SELECT count(), countIf(id % 10 = 7) FROM refused_rows"));

        q("CREATE TABLE refused_strict (id Int64, payload String, CONSTRAINT no_sevens CHECK id % 10 != 7)"
                + " ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100");
        TopicPartition strict = new TopicPartition("refused_strict", 0);
        try (TaskRun run = new TaskRun(props("refused-" + N.incrementAndGet()), false, strict)) {
            ConnectException e = assertThrows(ConnectException.class, () -> run.put(rows("refused_strict", 0, 20)));
            assertTrue(e.getMessage().contains("topic refused_strict, partition 0, offset 7")
                    && e.getMessage().contains("no_sevens"), e.getMessage());
        }
    }

    /** A table that would keep repeated inserts is refused with the ALTER that fixes it, unless at-least-once is chosen. */
    @Test
    void tableWithoutInsertDeduplicationIsRefusedWithTheAlterThatFixesIt() {
        q("CREATE TABLE nodedup_rows (id Int64, payload String) ENGINE = MergeTree ORDER BY id");
        TopicPartition tp = new TopicPartition("nodedup_rows", 0);
        try (TaskRun run = new TaskRun(props("nodedup-" + N.incrementAndGet()), false, tp)) {
            ConnectException e = assertThrows(ConnectException.class, () -> run.put(rows("nodedup_rows", 0, 5)));
            assertTrue(e.getMessage().contains("non_replicated_deduplication_window = 0")
                    && e.getMessage().contains("ALTER TABLE `default`.`nodedup_rows` MODIFY SETTING "
                    + "non_replicated_deduplication_window = 10000.")
                    && e.getMessage().contains("dedup.enabled=false"), e.getMessage());
        }
        assertEquals("0\n", q("SELECT count() FROM nodedup_rows"));
        try (TaskRun run = new TaskRun(props("nodedup-" + N.incrementAndGet(), "dedup.enabled", "false"), false, tp)) {
            run.put(rows("nodedup_rows", 0, 5));
            assertEquals(5, run.committed(tp));
        }
        q("ALTER TABLE nodedup_rows MODIFY SETTING non_replicated_deduplication_window = 1000");
        try (TaskRun run = new TaskRun(props("nodedup-" + N.incrementAndGet()), false, tp)) {
            run.put(rows("nodedup_rows", 5, 10));
            assertEquals(10, run.committed(tp));
        }
        assertEquals("10\n", q("SELECT count() FROM nodedup_rows"));
    }

    /**
     * dedup.enabled=false sends no tokens, so ClickHouse must not deduplicate by content either:
     * two inserts of equal rows (equal events at other offsets) both land.
     */
    @Test
    void withoutDedupEqualBlocksAtOtherOffsetsBothLand() {
        q("CREATE TABLE equal_rows (id Int64, payload String) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 1000");
        TopicPartition tp = new TopicPartition("equal_rows", 0);
        try (TaskRun run = new TaskRun(props("equal-" + N.incrementAndGet(), "dedup.enabled", "false"), false, tp)) {
            for (long offset = 0; offset < 2; offset++) {
                run.put(new SinkRecord("equal_rows", 0, null, null, ROW, new Struct(ROW).put("id", 1L).put("payload", "+1"),
                        offset));
                assertEquals(offset + 1, run.committed(tp));
            }
        }
        assertEquals("2\n", q("SELECT count() FROM equal_rows"), "both events, though their blocks are byte-equal");
    }

    /**
     * Regression (found by ExactlyOnceModelTest): a remembered range that never landed (the crash came
     * between the intent and the insert) is replayed by a task with a smaller buffer.max.rows. Cut at
     * that size, every part carried the range's token and ClickHouse dropped all but the first.
     */
    @Test
    void aReplayedRangeIsInsertedWholeWhateverTheBufferLimit() {
        String name = "replay-limit-" + N.incrementAndGet();
        q(new io.streamingetl.clickhouse.ddl.DdlBuilder("").createRangeTable(
                new io.streamingetl.clickhouse.sql.TableId("default", "_clickhouse_sink_ranges")));
        // The intent of a first life that crashed before its insert of offsets 0..99.
        q("INSERT INTO _clickhouse_sink_ranges (connector, topic, partition, db, tbl, first_offset, last_offset)"
                + " VALUES ('" + name + "', 'replay_limit', 0, 'default', 'replay_limit', 0, 99)");
        TopicPartition tp = new TopicPartition("replay_limit", 0);
        try (TaskRun run = new TaskRun(props(name, "buffer.max.rows", "20"), false, tp)) {
            run.put(rows("replay_limit", 0, 150));
            assertEquals(150, run.committed(tp));
        }
        assertEquals("150\t150\n", q("SELECT count(), uniqExact(id) FROM replay_limit"));
    }
}
