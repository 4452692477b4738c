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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 *
 * <p>The intent is also a claim: while two tasks believe they own a partition (one frozen past its
 * session, or cut off from the group but not from ClickHouse), each range must be inserted by one
 * of them only. An intent carries a token of its first offset, so of two claims starting at the same
 * offset ClickHouse keeps the first; read back, the rows show whether the range is still this
 * task's to insert (see {@link #claim}).
 */
public final class RangeStore {
    private static final Logger log = LoggerFactory.getLogger(RangeStore.class);

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
        String window = ddl.rangeTableClaimWindow(table);
        if (window != null) {
            try {
                tables.execute(window);
            } catch (RuntimeException e) {
                // A user without ALTER on the state table still writes; only the first-claim-wins rule weakens.
                log.warn("Could not set the deduplication window of {} ({}): if two tasks ever claim the same range "
                        + "at once, both claims stay and each task backs off; run {} to restore first-claim-wins",
                        table, e.getMessage(), window);
            }
        }
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
        remember(key, range, "", timeoutMs);
    }

    private void remember(RangeKey key, Range range, String tokenSuffix, long timeoutMs) throws Exception {
        TableId target = key.target().table();
        String sql = "INSERT INTO " + table.quoted() + " (connector, topic, partition, db, tbl, first_offset, "
                + "last_offset) VALUES (" + Sql.literal(connector) + ", " + Sql.literal(key.partition().topic()) + ", "
                + key.partition().partition() + ", " + Sql.literal(target.database()) + ", "
                + Sql.literal(target.table()) + ", " + range.first() + ", " + range.last() + ")";
        CommandSettings s = new CommandSettings();
        s.serverSetting("async_insert", "0");
        s.serverSetting("insert_deduplicate", "1");
        s.serverSetting("insert_deduplication_token", "claim/" + connector + "/" + key.partition() + "/"
                + target + "/" + range.first() + tokenSuffix);
        shards.get(key.target().shard()).client().execute(sql, s).get(timeoutMs, TimeUnit.MILLISECONDS).close();
    }

    /**
     * Records the intent to insert {@code range} and returns whether it is still this task's to
     * insert, from the key's claims read back unmerged ({@link #stillOurs}). Replaying its own claim
     * is fine: ClickHouse drops the repeat and the claim read back is the same.
     */
    public boolean claim(RangeKey key, Range range, long timeoutMs) throws Exception {
        remember(key, range, timeoutMs);
        List<Range> claims = claims(key);
        if (claims.stream().noneMatch(c -> c.first() >= range.first())) {
            // Dropped as a repeat of a claim that never became a row (ClickHouse killed between keeping
            // the token and committing the part) and nothing contradicts it: written again under a token
            // of its own, so the row exists for a restart to re-cut.
            log.warn("The claim of {} {} was dropped as a repeat but is not in {}: writing it again", key, range, table);
            remember(key, range, "/again/" + range.last(), timeoutMs);
            claims = claims(key);
        }
        return stillOurs(claims, range);
    }

    private List<Range> claims(RangeKey key) {
        TableId target = key.target().table();
        var rows = shards.get(key.target().shard()).client().queryAll("SELECT first_offset, last_offset FROM "
                + table.quoted() + " WHERE connector = {c:String} AND topic = {t:String} AND partition = {p:Int32}"
                + " AND db = {d:String} AND tbl = {n:String}", Map.of("c", connector, "t", key.partition().topic(),
                "p", key.partition().partition(), "d", target.database(), "n", target.table()));
        List<Range> claims = new ArrayList<>(rows.size());
        for (GenericRecord r : rows) {
            claims.add(new Range(r.getLong("first_offset"), r.getLong("last_offset")));
        }
        return claims;
    }

    /**
     * Whether {@code range} is still the claimant's to insert, given the claims of its key: its own
     * claim is there, no other claim starts at its first offset (ClickHouse kept another task's) and
     * none starts after it (another task went on past it).
     */
    public static boolean stillOurs(Collection<Range> claims, Range range) {
        boolean found = false;
        for (Range c : claims) {
            if (c.first() > range.first() || (c.first() == range.first() && c.last() != range.last())) {
                return false;
            }
            found |= c.equals(range);
        }
        return found;
    }
}
