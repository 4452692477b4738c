package io.streamingetl.clickhouse.route;

import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.schema.ColumnPlan.FieldException;
import io.streamingetl.clickhouse.schema.ColumnPlanner;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.schema.SchemaChange;
import io.streamingetl.clickhouse.state.DedupCheck;
import io.streamingetl.clickhouse.state.TableLineage;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a record's row goes: its table ({@link TableRouter}), its column plan ({@link ColumnPlanner},
 * which may create or evolve the table first) and, on a cluster, the shard that cityHash64 of its
 * sharding key picks, as the Distributed table computes it, so every version of a key is on one
 * shard. Without shards the target is known before the plan: a record skipped as already inserted
 * is never planned (an old record may no longer fit a table that changed since).
 */
public final class RowRouter {
    private static final int MAX_CHECKED = 4096;

    private final TableRouter tables;
    private final ColumnPlanner planner;
    private final DedupCheck dedupCheck;
    private final TableLineage lineage;
    private final String versionField;
    private final int shards;
    /** Tables this router routed to since the lineage was last read for them. */
    private final Set<TableId> seen = new HashSet<>();
    private long lineageReadNanos;
    private boolean lineageStale = true;
    private final Map<TableId, Target> unsharded = new HashMap<>();
    /** Plans whose table was checked for dedup and whose sharding key can be hashed here. */
    private final Set<ColumnPlan> checked = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param dedupCheck   null when inserts need not be deduplicated (dedup.enabled=false)
     * @param versionField the rows' version, which says which side of a rename or drop a row is on
     */
    public RowRouter(TableRouter tables, ColumnPlanner planner, DedupCheck dedupCheck, TableLineage lineage,
                     String versionField, int shards) {
        this.tables = tables;
        this.planner = planner;
        this.dedupCheck = dedupCheck;
        this.lineage = lineage;
        this.versionField = versionField;
        this.shards = shards;
    }

    /**
     * The table and shard of the record's row (with shards the record is planned to find its
     * shard); for a schema-change marker the table it changes; null for a row of a table the source
     * has dropped since, whose rows are gone.
     */
    public Target target(SinkRecord record) {
        if (SchemaChange.isMarker(record)) {
            SchemaChange change = SchemaChange.of(record);
            return new Target(tables.route(record.topic(), change.db(), change.table()), 0);
        }
        DebeziumShapes.requireRow(record.valueSchema());
        TableId table = moved(tables.route(record), record);
        if (table == null) {
            return null;
        }
        if (shards == 1) {
            return unsharded.computeIfAbsent(table, t -> new Target(t, 0));
        }
        ColumnPlan plan = plan(table, record);
        return new Target(table, shardOf(plan, record.value()));
    }

    /**
     * The table of source table {@code db}.{@code table} for a schema-change marker on
     * {@code markerTopic}: routed as that table's rows are, on its own topic (the marker's topic with
     * the last two segments, database and table, replaced).
     */
    public TableId table(String markerTopic, String db, String table) {
        String[] seg = markerTopic.split("\\.");
        String prefix = seg.length > 2 ? String.join(".", java.util.Arrays.copyOf(seg, seg.length - 2)) + "." : "";
        return tables.route(prefix + db + "." + table, db, table);
    }

    /** The source renamed or dropped {@code table} since this record's row: where the table went. */
    private TableId moved(TableId table, SinkRecord record) {
        // A table new to this task may have moved under another task: read the moves again (not more
        // than every 2 s when a task meets many tables at once), and whenever an insert found one stale.
        if (seen.add(table) && (lineageStale || System.nanoTime() - lineageReadNanos > 2_000_000_000L)) {
            lineage.reload();
            lineageReadNanos = System.nanoTime();
            lineageStale = false;
        }
        if (!lineage.moved(table)) {
            return table;
        }
        Object value = record.value();
        Object version = value instanceof Struct s ? (s.schema().field(versionField) == null ? null : s.get(versionField))
                : value instanceof Map<?, ?> m ? m.get(versionField) : null;
        return version instanceof Number n ? lineage.resolve(table, n.longValue()) : table;
    }

    /** What is known of {@code table} is stale (an insert failed on it): the next row reads the lineage again. */
    public void forget(TableId table) {
        seen.remove(table);
        lineageStale = true;
    }

    /** The column plan of the record's row in {@code target}'s table (cached per table and schema). */
    public ColumnPlan plan(SinkRecord record, Target target) {
        return plan(target.table(), record);
    }

    private ColumnPlan plan(TableId table, SinkRecord record) {
        ColumnPlan plan = planner.plan(table, record);
        if (!checked.contains(plan)) {
            check(plan);
            if (checked.size() >= MAX_CHECKED) {
                checked.clear();
            }
            checked.add(plan);
        }
        return plan;
    }

    /** Before a table's first row: its inserts must be deduplicated, and its sharding key hashable. */
    private void check(ColumnPlan plan) {
        if (dedupCheck != null) {
            dedupCheck.require(plan.table());
        }
        for (int k = 0; k < plan.shardKeyCount(); k++) {
            String type = plan.shardKeyType(k);
            if (!CityHashKey.supports(type)) {
                throw new ConnectException("sharding key column " + plan.table() + "." + plan.shardKeyColumn(k) + " is " + type
                        + "; the sink can route by integer and String columns only: set "
                        + ClickHouseSinkConfig.CLUSTER_SHARDING_KEY + " to such columns");
            }
        }
    }

    /** cityHash64 of the row's sharding-key values modulo the shard count, as the Distributed table computes it. */
    private int shardOf(ColumnPlan plan, Object value) {
        long h = 0;
        for (int k = 0; k < plan.shardKeyCount(); k++) {
            Object v = plan.shardKeyValue(k, value);
            String type = plan.shardKeyType(k);
            long next;
            try {
                next = CityHashKey.hash(type, v);
            } catch (ClassCastException | ArithmeticException | IllegalArgumentException e) {
                throw new FieldException(plan.shardKeyColumn(k), type, v, e);
            }
            h = k == 0 ? next : CityHashKey.combine(h, next);
        }
        return (int) Long.remainderUnsigned(h, shards);
    }
}
