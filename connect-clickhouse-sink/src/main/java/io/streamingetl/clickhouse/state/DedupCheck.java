package io.streamingetl.clickhouse.state;

import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replay safety rests on ClickHouse dropping an insert whose insert_deduplication_token it has
 * seen. Replicated*MergeTree tables do that by default; a plain MergeTree-family table only with
 * {@code non_replicated_deduplication_window > 0}, which tables the sink did not create may lack.
 * Writing to such a table anyway could double up to one buffer per crash or rebalance, silently,
 * so each table is checked once and refused with the ALTER that fixes it, unless the user chose
 * at-least-once ({@code dedup.enabled=false}). Sharded, the local table of every shard is checked.
 */
public final class DedupCheck {
    private static final Pattern WINDOW = Pattern.compile("non_replicated_deduplication_window\\s*=\\s*(\\d+)");

    private final Shards shards;
    private final Set<TableId> checked = new HashSet<>();

    public DedupCheck(Shards shards) {
        this.shards = shards;
    }

    /** Throws a ConnectException naming the setting when inserts into {@code table} are not deduplicated. */
    public void require(TableId table) {
        if (checked.contains(table)) {
            return;
        }
        for (Shard shard : shards.all()) {
            String problem = shard.call("check the engine of " + table, client -> problem(client, shards.local(table)));
            if (problem != null) {
                throw new ConnectException(problem + (shards.sharded() ? " (on " + shard + ")" : ""));
            }
        }
        checked.add(table);
    }

    /** Why inserts with a token into {@code table} would not be deduplicated, or null when they are. */
    private static String problem(Client client, TableId table) {
        List<GenericRecord> rows = ClickHouseErrors.call("read the engine of " + table, () -> client.queryAll(
                "SELECT engine, engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}",
                Map.of("db", table.database(), "t", table.table())));
        if (rows.isEmpty()) {
            return null; // not there yet: the sink creates it with the setting
        }
        String engine = rows.get(0).getString("engine");
        String full = rows.get(0).getString("engine_full");
        if (engine.startsWith("Replicated")) {
            return null;
        }
        String optOut = " Or set " + ClickHouseSinkConfig.DEDUP_ENABLED + "=false to write at-least-once "
                + "(a crash or rebalance can then double rows).";
        if (!engine.endsWith("MergeTree")) {
            return "Table " + table + " (engine " + engine + ") cannot drop repeated inserts by "
                    + "insert_deduplication_token, which replay safety needs. Write to a MergeTree-family table."
                    + optOut;
        }
        Matcher m = WINDOW.matcher(full);
        long window = m.find() ? Long.parseLong(m.group(1)) : serverDefaultWindow(client);
        if (window > 0) {
            return null;
        }
        return "Table " + table + " does not deduplicate inserts (non_replicated_deduplication_window = 0): "
                + "after a crash or rebalance the sink's replayed inserts would double rows. Fix: ALTER TABLE "
                + table.quoted() + " MODIFY SETTING non_replicated_deduplication_window = 1000." + optOut;
    }

    private static long serverDefaultWindow(Client client) {
        List<GenericRecord> rows = ClickHouseErrors.call("read merge_tree_settings", () -> client.queryAll(
                "SELECT value FROM system.merge_tree_settings WHERE name = 'non_replicated_deduplication_window'"));
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).getString("value"));
    }
}
