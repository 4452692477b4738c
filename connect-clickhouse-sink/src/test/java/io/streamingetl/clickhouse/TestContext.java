package io.streamingetl.clickhouse;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A recording stand-in for Connect's SinkTaskContext, for in-process tests of the task against the
 * real ClickHouse (the lead's integration tests run the task in a real worker).
 */
final class TestContext implements SinkTaskContext {
    final Map<String, String> configs;
    final Set<TopicPartition> assignment = new HashSet<>();
    final Map<TopicPartition, Long> seeks = new HashMap<>();
    final List<SinkRecord> errant = new ArrayList<>();
    final List<Throwable> errantCauses = new ArrayList<>();
    long timeout = -1;
    final boolean withDlq;

    TestContext(Map<String, String> configs, boolean withDlq) {
        this.configs = configs;
        this.withDlq = withDlq;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        timeout = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withDlq) {
            return null;
        }
        return (record, error) -> {
            errant.add(record);
            errantCauses.add(error);
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
