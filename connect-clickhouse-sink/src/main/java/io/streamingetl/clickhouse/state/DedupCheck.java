package io.streamingetl.clickhouse.state;

import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replay safety rests on ClickHouse dropping an insert whose insert_deduplication_token it has
 * seen among the table's last N inserts (all writers together). Replicated*MergeTree tables keep
 * {@code replicated_deduplication_window} of them (by default); a plain MergeTree-family table only
 * {@code non_replicated_deduplication_window}, 0 unless set, which tables the sink did not create may lack.
 * Writing to such a table anyway could double up to one buffer per crash or rebalance, silently,
 * so each table is checked once and refused with the ALTER that fixes it, unless the user chose
 * at-least-once ({@code dedup.enabled=false}). Sharded, the local table of every shard is checked.
 */
public final class DedupCheck {
    static final String NON_REPLICATED = "non_replicated_deduplication_window";
    static final String REPLICATED = "replicated_deduplication_window";
    /**
     * Below this many remembered inserts a window is too short for the sink's replays: those come
     * after a failover (~10-30 s) and every partition writing into the table adds up to 4 inserts
     * a second meanwhile (buffer.min.insert.interval.ms 250). Smaller windows are allowed with a
     * warning; the sink creates tables with table.dedup.window (10,000).
     */
    static final long SAFE_WINDOW = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(DedupCheck.class);

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
        String optOut = " Or set " + ClickHouseSinkConfig.DEDUP_ENABLED + "=false to write at-least-once "
                + "(a crash or rebalance can then double rows).";
        if (!engine.endsWith("MergeTree")) {
            return "Table " + table + " (engine " + engine + ") cannot drop repeated inserts by "
                    + "insert_deduplication_token, which replay safety needs. Write to a MergeTree-family table."
                    + optOut;
        }
        String setting = windowSetting(engine);
        Long explicit = window(full, setting);
        long window = explicit != null ? explicit : serverDefault(client, setting);
        if (window == 0) {
            return "Table " + table + " does not deduplicate inserts (" + setting + " = 0): "
                    + "after a crash or rebalance the sink's replayed inserts would double rows. Fix: ALTER TABLE "
                    + table.quoted() + " MODIFY SETTING " + setting + " = 10000." + optOut;
        }
        if (window < SAFE_WINDOW) {
            LOG.warn("Table {} remembers only its last {} inserts ({}): a replay after a failover that comes later "
                    + "than that many inserts into the table (all partitions and writers together) doubles its rows. "
                    + "ALTER TABLE {} MODIFY SETTING {} = 10000", table, window, setting, table.quoted(), setting);
        }
        return null;
    }

    /** Which window an engine's token deduplication uses. */
    static String windowSetting(String engine) {
        return engine.startsWith("Replicated") ? REPLICATED : NON_REPLICATED;
    }

    /** The window set on the table ({@code SETTINGS ... = n} in its engine_full), or null when not set there. */
    static Long window(String engineFull, String setting) {
        Matcher m = Pattern.compile("(?<![A-Za-z_])" + setting + "\\s*=\\s*(\\d+)").matcher(engineFull);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }

    private static long serverDefault(Client client, String setting) {
        List<GenericRecord> rows = ClickHouseErrors.call("read merge_tree_settings", () -> client.queryAll(
                "SELECT value FROM system.merge_tree_settings WHERE name = {n:String}", Map.of("n", setting)));
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).getString("value"));
    }
}
