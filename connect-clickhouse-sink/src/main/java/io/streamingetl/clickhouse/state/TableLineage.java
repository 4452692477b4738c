package io.streamingetl.clickhouse.state;

import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.cluster.Shards;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.sql.TableId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the rows of a source table went when the source renamed or dropped it. A schema change is
 * applied at its place in the changed table's own topic, but rows of the old name may still be on
 * their way through another topic (a rename moves a table's rows to the new name's topic, a swap
 * moves two tables at once): a row of table T at version v belongs to what T became at T's first
 * move after v. Every sink task reads and writes the moves in ClickHouse, so a task that did not
 * apply a change still routes such rows right.
 */
public final class TableLineage {
    /** T became {@code to} at {@code version}; {@code to} null: T was dropped and its rows are gone. */
    public record Move(TableId from, long version, TableId to) {
    }

    private final Shards shards;
    private final TableManager tables;
    private final TableId stateTable;
    private final Map<TableId, List<Move>> moves = new HashMap<>();
    private boolean ready;

    public TableLineage(Shards shards, TableManager tables, TableId stateTable) {
        this.shards = shards;
        this.tables = tables;
        this.stateTable = stateTable;
    }

    /** Reads every move (creating the state table the first time). */
    public void reload() {
        if (!ready) {
            tables.execute("CREATE DATABASE IF NOT EXISTS " + Sql.quote(stateTable.database()));
            tables.execute("CREATE TABLE IF NOT EXISTS " + stateTable.quoted() + " (`db` String, `tbl` String, "
                    + "`version` UInt64, `to_db` String, `to_tbl` String, `dropped` UInt8, "
                    + "`applied` DateTime64(3) DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY (`db`, `tbl`, `version`)");
            ready = true;
        }
        List<GenericRecord> rows = shards.get(0).call("read " + stateTable, client -> client.queryAll(
                "SELECT db, tbl, version, to_db, to_tbl, dropped FROM " + stateTable.quoted() + " FINAL"));
        moves.clear();
        for (GenericRecord r : rows) {
            TableId from = new TableId(r.getString("db"), r.getString("tbl"));
            TableId to = r.getInteger("dropped") != 0 ? null : new TableId(r.getString("to_db"), r.getString("to_tbl"));
            add(new Move(from, r.getBigInteger("version").longValue(), to));
        }
    }

    private void add(Move m) {
        List<Move> list = moves.computeIfAbsent(m.from(), t -> new ArrayList<>());
        list.removeIf(e -> e.version() == m.version());
        list.add(m);
        list.sort(Comparator.comparingLong(Move::version));
    }

    /** Records a move, in ClickHouse and here; the same move again changes nothing. */
    public void record(Move m) throws Exception {
        String sql = "INSERT INTO " + stateTable.quoted() + " (db, tbl, version, to_db, to_tbl, dropped) VALUES ("
                + Sql.literal(m.from().database()) + ", " + Sql.literal(m.from().table()) + ", "
                + Long.toUnsignedString(m.version()) + ", " + Sql.literal(m.to() == null ? "" : m.to().database()) + ", "
                + Sql.literal(m.to() == null ? "" : m.to().table()) + ", " + (m.to() == null ? 1 : 0) + ")";
        CommandSettings s = new CommandSettings();
        s.serverSetting("async_insert", "0");
        shards.get(0).client().execute(sql, s).get(60, TimeUnit.SECONDS).close();
        add(m);
    }

    /** Whether {@code m} was recorded (by this task or another: {@link #reload} first to see theirs). */
    public boolean recorded(Move m) {
        return moves.getOrDefault(m.from(), List.of()).contains(m);
    }

    /** Whether rows of {@code table} may belong elsewhere. */
    public boolean moved(TableId table) {
        return moves.containsKey(table);
    }

    /**
     * The table a row of {@code table} at {@code version} belongs to now: {@code table} itself when
     * it has not moved since, null when it was dropped since.
     */
    public TableId resolve(TableId table, long version) {
        TableId at = table;
        long since = version;
        for (int hops = 0; hops < 1_000; hops++) {
            Move next = null;
            for (Move m : moves.getOrDefault(at, List.of())) {
                if (Long.compareUnsigned(m.version(), since) > 0) {
                    next = m;
                    break;
                }
            }
            if (next == null) {
                return at;
            }
            if (next.to() == null) {
                return null;
            }
            at = next.to();
            since = next.version();
        }
        throw new IllegalStateException("table lineage of " + table + " does not end");
    }
}
