package io.streamingetl.clickhouse.ddl;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.encode.DateRange;
import io.streamingetl.clickhouse.route.TableId;
import io.streamingetl.clickhouse.write.ClickHouseErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads table structure from system.columns and runs DDL. Kept away from the write path. */
public final class TableManager {
    private static final Logger log = LoggerFactory.getLogger(TableManager.class);

    private final Client client;
    private final DdlBuilder ddl;

    public TableManager(Client client, DdlBuilder ddl) {
        this.client = client;
        this.ddl = ddl;
    }

    public DdlBuilder ddl() {
        return ddl;
    }

    /** The table's columns, or null when it does not exist. */
    public TableDescription describe(TableId id) {
        List<GenericRecord> rows = ClickHouseErrors.call("describe " + id, () -> client.queryAll(
                "SELECT name, type, default_kind, is_in_sorting_key FROM system.columns WHERE database = {db:String} "
                        + "AND table = {t:String} ORDER BY position",
                Map.of("db", id.database(), "t", id.table())));
        if (rows.isEmpty()) {
            return null;
        }
        List<ColumnInfo> cols = new ArrayList<>(rows.size());
        for (GenericRecord r : rows) {
            cols.add(new ColumnInfo(r.getString("name"), r.getString("type"), r.getString("default_kind"),
                    r.getInteger("is_in_sorting_key") != 0));
        }
        return new TableDescription(id, cols);
    }

    /**
     * Probes the server's features in one query. The date range is probed, not read from the
     * version, so a backport counts too: servers before 26.7 clamp a time before 1900 to
     * 1900-01-01, newer ones keep 1000-01-01.
     */
    public ServerFeatures serverFeatures() {
        List<GenericRecord> rows = ClickHouseErrors.call("read the server's features", () -> client.queryAll(
                "SELECT (SELECT any(value) FROM system.settings WHERE name = 'enable_time_time64_type') AS time64,"
                        + " toYear(toDateTime64(-30610224000, 0, 'UTC')) AS year")); // 1000-01-01 00:00:00 UTC
        GenericRecord r = rows.get(0);
        return new ServerFeatures("1".equals(r.getString("time64")),
                r.getInteger("year") == 1000 ? DateRange.MYSQL : DateRange.CLASSIC);
    }

    public void execute(String sql) {
        log.info("ClickHouse DDL: {}", sql);
        ClickHouseErrors.call("DDL " + sql, () -> {
            CommandSettings s = new CommandSettings();
            s.serverSetting("async_insert", "0");
            client.execute(sql, s).get(5, TimeUnit.MINUTES).close();
            return null;
        });
    }
}
