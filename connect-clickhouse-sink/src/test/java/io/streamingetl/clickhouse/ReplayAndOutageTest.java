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
}
