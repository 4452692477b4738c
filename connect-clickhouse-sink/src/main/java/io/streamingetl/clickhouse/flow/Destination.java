package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.Range;
import io.streamingetl.clickhouse.state.RangeKey;
import io.streamingetl.clickhouse.write.ClickHouseWriter.RejectedRows;
import io.streamingetl.clickhouse.write.InsertFailure;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Everything the flow asks of ClickHouse: where a record's row goes and how it is encoded, the
 * ranges remembered from before a restart, and the insert of a sealed buffer. The task's is
 * {@code ClickHouseDestination} (router, planner, range store, writer); FlowModelTest's is a model
 * of ClickHouse, so the state machines run without a server.
 *
 * <p>Each method may throw RetriableException (ClickHouse unavailable: the call is made again
 * later), ConnectException (the task cannot go on), and the routing ones DataException (this
 * record cannot be written).
 */
public interface Destination {
    /** The table and shard of the record's row. */
    Target target(SinkRecord record);

    /** How the record's row is encoded for {@code target}'s table; may create or evolve the table first. */
    ColumnPlan plan(SinkRecord record, Target target);

    /** The last range inserted (or attempted) per table of each partition, from before this task. */
    Map<RangeKey, Range> rememberedRanges(Collection<TopicPartition> partitions);

    /**
     * Inserts a sealed buffer under its token, its range remembered first; rows the server refuses
     * go to {@code rejected} and the rest land.
     */
    void insert(TableBuffer buffer, long deadlineNanos, RejectedRows rejected) throws InsertFailure;

    /** For rows whose format the server does not type-check: whether their columns still have those types. */
    boolean stillMatches(TableBuffer buffer);

    /** An insert into {@code table} failed because its columns changed: what is known of it is stale. */
    void tableChanged(TableId table);

    /**
     * A value did not fit {@code table}'s column as last described: describe the table again (an
     * operator may have widened the column since), unless that was done moments ago. Returns
     * whether it did, so the record is tried once more before it is called bad.
     */
    default boolean describeAgain(TableId table) {
        return false;
    }

    /**
     * Applies the source schema change a marker record carries (every row before it is in
     * ClickHouse); idempotent, as a replay applies it again. Returns the tables whose structure changed.
     */
    Set<TableId> applySchemaChange(SinkRecord marker, Target target);

    /**
     * Remembers that the marker at {@code offset} of {@code partition} was applied, as an inserted
     * range of {@code target}: a replay then skips every record before it.
     */
    void rememberApplied(Target target, TopicPartition partition, long offset);
}
