package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.ShardHealth;
import io.streamingetl.clickhouse.cluster.Shards;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.ddl.DdlBuilder;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.flow.Destination;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.migrate.SchemaChanges;
import io.streamingetl.clickhouse.route.RowRouter;
import io.streamingetl.clickhouse.route.TableRouter;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.schema.ColumnPlanner;
import io.streamingetl.clickhouse.schema.SchemaChange;
import io.streamingetl.clickhouse.schema.TypeRegistry;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.DedupCheck;
import io.streamingetl.clickhouse.state.Range;
import io.streamingetl.clickhouse.state.RangeKey;
import io.streamingetl.clickhouse.state.RangeStore;
import io.streamingetl.clickhouse.state.TableLineage;
import io.streamingetl.clickhouse.write.ClickHouseWriter;
import io.streamingetl.clickhouse.write.ClickHouseWriter.RejectedRows;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The real {@link Destination}: the servers of the config, the router and planner that map records
 * onto their tables (creating and evolving them), the range store of replay safety, and the writer.
 * Built once per task; closing it closes the clients.
 */
final class ClickHouseDestination implements Destination, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseDestination.class);
    /** How often a table is described again because a value did not fit its column. */
    private static final long DESCRIBE_AGAIN_NANOS = 1_000_000_000L;
    private final Map<TableId, Long> describedAgain = new HashMap<>();

    private final Shards shards;
    private final TableManager tables;
    private final ColumnPlanner planner;
    private final RowRouter router;
    private final RangeStore ranges;
    private final ClickHouseWriter writer;
    private final SchemaChanges schemaChanges;
    private boolean rangeTableReady;

    ClickHouseDestination(ClickHouseSinkConfig config, String connector, SinkMetrics metrics) {
        shards = Shards.connect(config.cluster(), config.connection());
        tables = new TableManager(shards, DdlBuilder.of(config.cluster()), config.cluster().shardingKey());
        planner = new ColumnPlanner(tables, TypeRegistry.standard(), config.tables());
        boolean replaySafe = config.replay().enabled();
        ranges = replaySafe ? new RangeStore(shards, new TableId(config.connection().database(),
                config.replay().stateTable()), connector) : null;
        TableLineage lineage = new TableLineage(shards, tables,
                new TableId(config.connection().database(), config.replay().stateTable() + "_lineage"));
        router = new RowRouter(new TableRouter(config.routing()), planner, replaySafe ? new DedupCheck(shards) : null,
                lineage, config.tables().versionField(), shards.count());
        schemaChanges = new SchemaChanges(tables, planner, config.tables(), lineage);
        // An attempt waits a little longer than the socket timeout, so a slow answer is the socket's to report.
        writer = new ClickHouseWriter(shards, ranges, config.errors(), config.connection().socketTimeoutMs() + 10_000L,
                metrics);
    }

    /** Which shards answer, as the inserts find out; named as log lines name them. */
    ShardHealth health(long firstBackoffMs, long maxBackoffMs) {
        return new ShardHealth(shards.all().stream().map(Shard::toString).toList(), firstBackoffMs, maxBackoffMs);
    }

    /** Where rows go, for the task's start line. */
    String describe() {
        return shards.sharded() ? shards.all().toString() : shards.get(0).endpoint();
    }

    @Override
    public Target target(SinkRecord record) {
        return router.target(record);
    }

    @Override
    public ColumnPlan plan(SinkRecord record, Target target) {
        return router.plan(record, target);
    }

    /** Creates the range table before the first read; lazy, so a down ClickHouse only pauses put(). */
    @Override
    public Map<RangeKey, Range> rememberedRanges(Collection<TopicPartition> partitions) {
        if (ranges == null) {
            return Map.of();
        }
        if (!rangeTableReady) {
            ranges.ensureTable(tables, tables.ddl());
            rangeTableReady = true;
        }
        return ranges.load(partitions);
    }

    @Override
    public void insert(TableBuffer buffer, long deadlineNanos, RejectedRows rejected) throws InsertFailure {
        writer.insert(buffer, deadlineNanos, rejected);
    }

    @Override
    public boolean stillMatches(TableBuffer buffer) {
        return planner.stillMatches(buffer.format(), buffer.shard());
    }

    @Override
    public void tableChanged(TableId table) {
        planner.invalidate(table);
        router.forget(table);
    }

    /** Once per table every {@link #DESCRIBE_AGAIN_NANOS} at most: a stream of bad values costs no DESCRIBE each. */
    @Override
    public boolean describeAgain(TableId table) {
        long now = System.nanoTime();
        Long last = describedAgain.get(table);
        if (last != null && now - last < DESCRIBE_AGAIN_NANOS) {
            return false;
        }
        describedAgain.put(table, now);
        tableChanged(table);
        return true;
    }

    @Override
    public Set<TableId> applySchemaChange(SinkRecord marker, Target target) {
        SchemaChange change = SchemaChange.of(marker);
        log.info("Applying the source's schema change at {}-{} offset {} to {}: {}", marker.topic(),
                marker.kafkaPartition(), marker.kafkaOffset(), target.table(), change.ddl());
        Set<TableId> changed = schemaChanges.apply(change, (db, table) -> router.table(marker.topic(), db, table));
        changed.forEach(router::forget);
        return changed;
    }

    /** As an insert's range: the marker's offset, remembered on the shard of its target. */
    @Override
    public void rememberApplied(Target target, TopicPartition partition, long offset) {
        if (ranges == null) {
            return;
        }
        try {
            ranges.remember(new RangeKey(target, partition), new Range(offset, offset), 60_000);
        } catch (Exception e) {
            throw ClickHouseErrors.asConnectException("remember the schema change at " + partition + " offset "
                    + offset, e);
        }
    }

    @Override
    public void close() {
        shards.close();
    }
}
