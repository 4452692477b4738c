package io.streamingetl.clickhouse;

import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded, model-based fault test of the task against a real ClickHouse. The test plays the
 * Connect runtime's side of the SinkTask contract the way WorkerSinkTask does: batches of random
 * size; the same batch again after a RetriableException; offset commits of what preCommit returned;
 * seeks the task asks for; close/open rebalances; stops (graceful or a crash) and a new task that
 * starts from the committed offsets. Between the task and ClickHouse a {@link FaultProxy} refuses
 * connections, drops responses of requests ClickHouse executed, and stalls past the socket timeout.
 *
 * <p>The log: an append-only topic with two partitions and a CDC topic (keys, growing versions,
 * deletes). At the end, with the faults off, every record is delivered: the append-only table must
 * hold every record exactly once, the CDC table's FINAL must equal the model, and no version may
 * appear twice. The seed is printed; replay with {@code -Deo.seed=N}; run longer with
 * {@code -Deo.seconds=N} (CI: 40 s):
 *
 * <pre>mvn -B verify -pl connect-clickhouse-sink -am -Dtest=ExactlyOnceModelTest -Dsurefire.failIfNoSpecifiedTests=false -Deo.seconds=600</pre>
 */
class ExactlyOnceModelTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static final String EVENTS = "eo_events";
    private static final String CDC = "srv.eo_db.person";
    private static final Schema ROW = SchemaBuilder.struct().name("row").field("id", Schema.INT64_SCHEMA)
            .field("payload", Schema.STRING_SCHEMA).build();

    private final Map<TopicPartition, List<SinkRecord>> log = new LinkedHashMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private Map<FaultProxy.Mode, Long> injected = Map.of();

    @Test
    void everyRecordExactlyOnceThroughRandomFaultsRebalancesAndRestarts() throws Exception {
        long seed = Long.getLong("eo.seed", System.nanoTime());
        long seconds = Long.getLong("eo.seconds", 40);
        System.out.println("ExactlyOnceModelTest seed " + seed + " (replay: -Deo.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<Long, String> cdcModel = buildLog(random);
        try (FaultProxy proxy = new FaultProxy(stack.clickHouse().httpPort())) {
            try {
                run(random, proxy, seconds);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (replay: -Deo.seed=" + seed + "): " + t, t);
            }
            injected = proxy.injected();
            System.out.println("faults injected (connections hit) " + injected + ", runtime events " + counts);
        }
        long total = log.entrySet().stream().filter(e -> e.getKey().topic().equals(EVENTS))
                .mapToLong(e -> e.getValue().size()).sum();
        String events = q("SELECT count(), uniqExact(id) FROM " + EVENTS);
        String twice = q("SELECT _version FROM eo_db.person GROUP BY _version HAVING count() > 1 LIMIT 5");
        StringBuilder expected = new StringBuilder();
        cdcModel.forEach((id, name) -> expected.append(id).append('\t').append(name).append('\n'));
        String found = q("SELECT id, name FROM eo_db.person FINAL WHERE _deleted = 0 ORDER BY id");
        System.out.printf("seed %d: append-only %d sent, ClickHouse %s; CDC %d live keys%n", seed, total,
                events.strip().replace('\t', '/'), cdcModel.size());
        if (!events.equals(total + "\t" + total + "\n")) {
            // Which offsets are missing (id = offset * 2 + partition), to find the path that lost them.
            System.out.println("missing (partition, offset): " + q("SELECT number % 2 AS p, intDiv(number, 2) AS o FROM numbers("
                    + total + ") WHERE number NOT IN (SELECT id FROM " + EVENTS + ") ORDER BY p, o FORMAT CSV")
                    .strip().replace('\n', ' '));
        }
        assertEquals(total + "\t" + total + "\n", events, "seed " + seed + ": every append-only record exactly once");
        assertEquals("", twice, "seed " + seed + ": no CDC change inserted twice");
        assertEquals(expected.toString(), found, "seed " + seed + ": CDC FINAL equals the model");
        assertTrue(counts.getOrDefault("retriable", 0L) > 0 && counts.getOrDefault("rebalance", 0L) > 0
                && counts.getOrDefault("crash", 0L) > 0, "the run exercised the paths: " + counts);
        assertTrue(injected.values().stream().allMatch(n -> n > 0), "every kind of fault was injected: " + injected);
    }

    /** Returns the CDC model: the live name per key after the whole log. */
    private Map<Long, String> buildLog(Random random) {
        for (int p = 0; p < 2; p++) {
            TopicPartition tp = new TopicPartition(EVENTS, p);
            List<SinkRecord> records = new ArrayList<>();
            for (long o = 0; o < 6_000; o++) {
                long id = o * 2 + p;
                records.add(new SinkRecord(EVENTS, p, null, null, ROW,
                        new Struct(ROW).put("id", id).put("payload", "e" + id), o));
            }
            log.put(tp, records);
        }
        TopicPartition cdc = new TopicPartition(CDC, 0);
        List<SinkRecord> changes = new ArrayList<>();
        Map<Long, String> model = new TreeMap<>();
        for (long o = 0; o < 6_000; o++) {
            long id = random.nextInt(300);
            boolean delete = model.containsKey(id) && random.nextInt(6) == 0;
            String name = "n" + o;
            if (o % 97 == 0) {
                changes.add(new SinkRecord(CDC, 0, null, null, null, null, o)); // a tombstone now and then
                continue;
            }
            changes.add(SinkTaskTest.cdc(CDC, o, id, name, delete ? "d" : model.containsKey(id) ? "u" : "c",
                    1_000 + o, delete ? 1 : 0));
            if (delete) {
                model.remove(id);
            } else {
                model.put(id, name);
            }
        }
        log.put(cdc, changes);
        return model;
    }

    private Map<String, String> props(Random random, FaultProxy proxy) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "eo-sink");
        p.put("clickhouse.url", proxy.url());
        p.put("buffer.max.rows", String.valueOf(List.of(20, 200, 2_000).get(random.nextInt(3))));
        p.put("buffer.max.bytes", String.valueOf(List.of(4_096, 1 << 20).get(random.nextInt(2))));
        // Not 0: tiny inserts pile up parts faster than 2 cores merge them, and ClickHouse then delays inserts.
        p.put("buffer.flush.interval.ms", String.valueOf(List.of(50, 200, 500).get(random.nextInt(3))));
        p.put("clickhouse.socket.timeout.ms", "1000");
        p.put("clickhouse.connect.timeout.ms", "500");
        p.put("retry.max.attempts", "2");
        p.put("retry.backoff.ms", "10");
        p.put("retry.backoff.max.ms", "50");
        p.put("max.block.ms", "2500");
        return p;
    }

    /** The runtime's side, step by step, until the time budget is spent; then everything is delivered. */
    private void run(Random random, FaultProxy proxy, long seconds) {
        Map<TopicPartition, Long> committed = new HashMap<>();
        log.keySet().forEach(tp -> committed.put(tp, 0L));
        Map<TopicPartition, Long> position = new HashMap<>(committed);
        TaskRun task = newTask(random, proxy);
        List<SinkRecord> pending = null; // the batch to deliver again after a RetriableException
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int faultSteps = 0;
        int faults = 0;
        FaultProxy.Mode current = FaultProxy.Mode.PASS;
        long stepsDone = 0;
        for (; System.nanoTime() < end; stepsDone++) {
            if (faultSteps > 0 && --faultSteps == 0) {
                if (faults <= 3 && proxy.injected().get(current) == 0) {
                    faultSteps = 1; // the first window of each kind lasts until it has hit something
                } else {
                    proxy.mode(FaultProxy.Mode.PASS);
                }
            } else if (faultSteps == 0 && random.nextInt(8) == 0) {
                // Each kind once early on (so a short run covers all three), then at random.
                List<FaultProxy.Mode> kinds = List.of(FaultProxy.Mode.REFUSE, FaultProxy.Mode.DROP_RESPONSE, FaultProxy.Mode.STALL);
                FaultProxy.Mode m = kinds.get(faults < 3 ? faults : random.nextInt(3));
                faults++;
                current = m;
                proxy.mode(m);
                faultSteps = m == FaultProxy.Mode.STALL ? 1 + random.nextInt(2) : 1 + random.nextInt(6);
                count("fault " + m);
            }
            int action = random.nextInt(100);
            if (action < 70) {
                List<SinkRecord> batch = pending != null ? pending : nextBatch(random, position);
                pending = deliver(task, batch, position) ? null : batch;
            } else if (action < 88) {
                commit(task, position, committed);
            } else if (action < 94) {
                count("rebalance");
                task.task.close(new ArrayList<>(log.keySet()));
                task.task.open(new ArrayList<>(log.keySet()));
                pending = null;
                position.putAll(committed);
                // Connect's position of a partition assigned again is the committed offset: a stale one,
                // passed to preCommit when the task stops, would end a replay range early.
                task.position.clear();
                task.position.putAll(committed);
            } else {
                boolean crash = random.nextBoolean();
                count(crash ? "crash" : "stop");
                if (crash) {
                    task.crash();
                } else {
                    task.close();
                }
                task = newTask(random, proxy);
                pending = null;
                position.putAll(committed);
            }
        }
        // Faults off: deliver the rest and commit all of it.
        proxy.mode(FaultProxy.Mode.PASS);
        counts.put("steps", stepsDone);
        long drainStart = System.nanoTime();
        int rounds = 0;
        long delivered = 0;
        long slowest = 0;
        long deadline = System.nanoTime() + 300_000_000_000L;
        for (; System.nanoTime() < deadline && !done(committed); rounds++) {
            List<SinkRecord> batch = pending != null ? pending : nextBatch(random, position);
            long t0 = System.nanoTime();
            pending = deliver(task, batch, position) ? null : batch;
            slowest = Math.max(slowest, System.nanoTime() - t0);
            delivered += pending == null ? batch.size() : 0;
            commit(task, position, committed);
            if (batch.isEmpty()) {
                sleep(10); // as a worker's poll waits when there is nothing new
            }
        }
        task.close();
        System.out.printf("final delivery with the faults off: %d rounds, %d records, %.1f s, slowest put %.0f ms%n",
                rounds, delivered, (System.nanoTime() - drainStart) / 1e9, slowest / 1e6);
        System.out.println("active parts: " + q("SELECT table, count() FROM system.parts WHERE active GROUP BY table")
                .strip().replace('\n', ' ') + "; ClickHouse events: " + q("SELECT event, value FROM system.events WHERE event IN "
                + "('DelayedInserts', 'DelayedInsertsMilliseconds', 'InsertQuery', 'DuplicatedInsertedBlocks') FORMAT CSV")
                .strip().replace('\n', ' '));
        assertTrue(done(committed), "everything committed: " + committed);
    }

    private TaskRun newTask(Random random, FaultProxy proxy) {
        TaskRun run = new TaskRun(props(random, proxy), false, log.keySet().toArray(new TopicPartition[0]));
        return run;
    }

    /** Up to 3 partitions' next records, in offset order per partition, interleaved. */
    private List<SinkRecord> nextBatch(Random random, Map<TopicPartition, Long> position) {
        List<SinkRecord> batch = new ArrayList<>();
        for (Map.Entry<TopicPartition, List<SinkRecord>> e : log.entrySet()) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            int from = (int) (long) position.get(e.getKey());
            int to = Math.min(e.getValue().size(), from + random.nextInt(80));
            batch.addAll(e.getValue().subList(from, to));
        }
        return batch;
    }

    /** put(); true when the batch was taken, false after a RetriableException (deliver it again). */
    private boolean deliver(TaskRun task, List<SinkRecord> batch, Map<TopicPartition, Long> position) {
        try {
            task.put(batch);
        } catch (RetriableException e) {
            count("retriable");
            applySeeks(task, position);
            return false;
        }
        for (SinkRecord r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.kafkaPartition());
            position.merge(tp, r.kafkaOffset() + 1, Math::max);
        }
        applySeeks(task, position);
        return true;
    }

    /** A seek the task asked for (context.offset) moves the consumer. */
    private void applySeeks(TaskRun task, Map<TopicPartition, Long> position) {
        if (!task.context.seeks.isEmpty()) {
            count("seek");
            position.putAll(task.context.seeks);
            task.context.seeks.clear();
        }
    }

    private void commit(TaskRun task, Map<TopicPartition, Long> position, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        position.forEach((tp, o) -> current.put(tp, new OffsetAndMetadata(o)));
        Map<TopicPartition, OffsetAndMetadata> result = task.task.preCommit(current);
        result.forEach((tp, o) -> {
            assertTrue(o.offset() <= position.get(tp), tp + ": commit " + o.offset() + " beyond position " + position.get(tp));
            committed.put(tp, o.offset());
        });
        count("commit");
    }

    private boolean done(Map<TopicPartition, Long> committed) {
        return log.entrySet().stream().allMatch(e -> committed.get(e.getKey()) == e.getValue().size());
    }

    private void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String q(String sql) {
        return stack.clickHouse().query(sql);
    }
}
