package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.config.Version;
import io.streamingetl.clickhouse.flow.SinkFlow;
import io.streamingetl.clickhouse.flow.Upstream;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;

/**
 * Adapts Connect's SinkTask calls to the sink's {@link SinkFlow} (where a record's path is), and
 * the flow's needs to Connect: seeks through the task context, bad records to the errant-record
 * reporter, and a pause ({@code context.timeout}) whenever ClickHouse holds a call up or a buffer
 * falls due while no record comes.
 */
public class ClickHouseSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseSinkTask.class);
    public static final String TASK_ID = "task.id";

    private ClickHouseSinkConfig config;
    private ClickHouseDestination destination;
    private SinkMetrics metrics;
    private SinkFlow flow;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new ClickHouseSinkConfig(props);
        String connector = props.getOrDefault("name", "clickhouse-sink");
        int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
        metrics = new SinkMetrics(connector, taskId);
        destination = new ClickHouseDestination(config, connector, metrics);
        RecordErrors errors = new RecordErrors(config.errors().tolerate(), reporter(), metrics);
        flow = new SinkFlow(connector, destination, new ConnectUpstream(errors), config.buffering(), config.errors(),
                destination.health(config.errors().retryBackoffMs(), config.errors().retryBackoffMaxMs()), metrics,
                errors.keepsRecords());
        log.info("ClickHouse sink task {} of {} started, writing to {} ({} buffering up to {} rows / {} bytes / {} ms)",
                taskId, connector, destination.describe(), config.replay().enabled() ? "replay-safe" : "plain",
                config.buffering().maxRows(), config.buffering().maxBytes(), config.buffering().flushIntervalMs());
    }

    private ErrantRecordReporter reporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than KIP-610
        }
    }

    @Override
    public void open(Collection<TopicPartition> assigned) {
        flow.open(assigned);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            flow.put(records);
        } catch (RetriableException e) {
            context.timeout(config.errors().retryBackoffMaxMs());
            throw e;
        }
        wakeUpWhenDue();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> committable = flow.preCommit(currentOffsets);
        wakeUpWhenDue();
        return committable;
    }

    /**
     * Connect polls Kafka for up to offset.flush.interval.ms (60 s by default) when no records come:
     * ask it to call put() again when the next buffer falls due, so no row waits longer.
     */
    private void wakeUpWhenDue() {
        long next = flow.nextWakeUpMs();
        if (next != Long.MAX_VALUE && context != null) {
            context.timeout(Math.max(1, next - System.currentTimeMillis()));
        }
    }

    @Override
    public void close(Collection<TopicPartition> closing) {
        flow.close(closing);
    }

    @Override
    public void stop() {
        if (flow != null) {
            flow.stop();
        }
        if (destination != null) {
            destination.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** For tests and the benchmark: bytes currently buffered. */
    public long bufferedBytes() {
        return flow.bufferedBytes();
    }

    /** Connect's side of the flow: seeks through the task context, records that cannot be written to {@link RecordErrors}. */
    private final class ConnectUpstream implements Upstream {
        private final RecordErrors errors;

        ConnectUpstream(RecordErrors errors) {
            this.errors = errors;
        }

        @Override
        public void seek(TopicPartition partition, long offset) {
            context.offset(partition, offset);
        }

        @Override
        public void bad(SinkRecord record, RuntimeException cause) {
            errors.bad(record, cause);
        }

        @Override
        public void rejected(TableBuffer buffer, int row, InsertFailure why) {
            errors.rejected(buffer, row, why);
        }
    }
}
