package io.streamingetl.clickhouse;

import io.streamingetl.clickhouse.sink.ClickHouseSinkTask;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One task instance driven the way a worker drives it: initialize, start, open, put, preCommit, close, stop. */
final class TaskRun implements AutoCloseable {
    final ClickHouseSinkTask task = new ClickHouseSinkTask();
    final TestContext context;

    TaskRun(Map<String, String> props, boolean withDlq, TopicPartition... partitions) {
        context = new TestContext(props, withDlq);
        context.assignment.addAll(Arrays.asList(partitions));
        task.initialize(context);
        task.start(props);
        task.open(List.of(partitions));
    }

    /** Connect's view: one past the last offset of every batch put() took, per partition. */
    final Map<TopicPartition, Long> position = new HashMap<>();

    void put(List<SinkRecord> records) {
        task.put(records);
        for (SinkRecord r : records) {
            position.merge(new TopicPartition(r.topic(), r.kafkaPartition()), r.kafkaOffset() + 1, Math::max);
        }
    }

    void put(SinkRecord... records) {
        put(List.of(records));
    }

    Map<TopicPartition, OffsetAndMetadata> commit() {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition tp : context.assignment) {
            current.put(tp, new OffsetAndMetadata(position.getOrDefault(tp, 0L)));
        }
        return task.preCommit(current);
    }

    long committed(TopicPartition tp) {
        OffsetAndMetadata o = commit().get(tp);
        return o == null ? -1 : o.offset();
    }

    /**
     * As Connect stops a task: preCommit (and the commit) first, then close() of its partitions; a
     * preCommit that throws (the task failed already) is logged by Connect, which closes anyway.
     */
    @Override
    public void close() {
        try {
            try {
                commit();
            } catch (RuntimeException e) {
                System.out.println("preCommit before close threw, as after a task failure: " + e.getMessage());
            }
            task.close(context.assignment);
        } finally {
            task.stop();
        }
    }

    /** Ends the task like a crash: no close(), no flush. */
    void crash() {
        task.stop();
    }
}
