package io.streamingetl.clickhouse.state;

import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.state.RangeKey;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.ddl.DdlBuilder;
import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Remembers, in ClickHouse, the last range each connector inserted per table and topic partition.
 * It is written BEFORE the data insert (an intent), so after a crash a replay knows where the
 * range it may or may not have inserted ends and cuts the same range again; the same range gets
 * the same insert_deduplication_token and ClickHouse drops it if it is already there. On a cluster
 * each shard keeps the ranges of its own inserts, beside the rows they describe.
 */
public final class RangeStore {
    private final Shards shards;
    private final TableId table;
    private final String connector;

    public RangeStore(Shards shards, TableId table, String connector) {
        this.shards = shards;
        this.table = table;
        this.connector = connector;
    }

    public void ensureTable(TableManager tables, DdlBuilder ddl) {
        tables.execute(ddl.createDatabase(table.database()));
        tables.execute(ddl.createRangeTable(table));
    }

    public Map<RangeKey, Range> load(Collection<TopicPartition> partitions) {
        Map<RangeKey, Range> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        String topics = partitions.stream().map(tp -> Sql.literal(tp.topic())).distinct()
                .collect(Collectors.joining(", "));
        for (Shard shard : shards.all()) {
            var rows = shard.call("read " + table, client -> client.queryAll(
                    "SELECT topic, partition, db, tbl, first_offset, last_offset FROM " + table.quoted()
                            + " FINAL WHERE connector = {c:String} AND topic IN (" + topics + ")",
                    Map.of("c", connector)));
            for (GenericRecord r : rows) {
                TopicPartition tp = new TopicPartition(r.getString("topic"), r.getInteger("partition"));
                if (partitions.contains(tp)) {
                    Target target = new Target(new TableId(r.getString("db"), r.getString("tbl")), shard.index());
                    out.put(new RangeKey(target, tp), new Range(r.getLong("first_offset"), r.getLong("last_offset")));
                }
            }
        }
        return out;
    }

    /** Records the intent to insert {@code range}, on the shard that gets the rows; throws like any ClickHouse request. */
    public void remember(RangeKey key, Range range, long timeoutMs) throws Exception {
        TableId target = key.target().table();
        String sql = "INSERT INTO " + table.quoted() + " (connector, topic, partition, db, tbl, first_offset, "
                + "last_offset) VALUES (" + Sql.literal(connector) + ", " + Sql.literal(key.partition().topic()) + ", "
                + key.partition().partition() + ", " + Sql.literal(target.database()) + ", "
                + Sql.literal(target.table()) + ", " + range.first() + ", " + range.last() + ")";
        CommandSettings s = new CommandSettings();
        s.serverSetting("async_insert", "0");
        shards.get(key.target().shard()).client().execute(sql, s).get(timeoutMs, TimeUnit.MILLISECONDS).close();
    }
}
