package io.streamingetl.it;

import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.mariadb.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload tests' check: a table {@code (id INT PRIMARY KEY, email, n)} in MariaDB equals
 * its CDC table in ClickHouse read with {@code FINAL}, soft deletes removed (one server, or a
 * Distributed table over shards).
 */
final class FinalEqualsSource {
    private FinalEqualsSource() {
    }

    /** id -> "email|n" from MariaDB. */
    static Map<Integer, String> sourceRows(MariaDbServer db, String database, String table) {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, email, n FROM " + database + "." + table)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2) + "|" + rs.getInt(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** id -> "email|n" from ClickHouse, FINAL, soft deletes removed. */
    static Map<Integer, String> clickHouseRows(ClickHouseServer clickHouse, String database, String table) {
        Map<Integer, String> rows = new TreeMap<>();
        if (!"1".equals(clickHouse.query("EXISTS TABLE " + database + "." + table).strip())) {
            return rows;
        }
        String tsv = clickHouse.query("SELECT id, ifNull(email, 'null'), n FROM " + database + "." + table
                + " FINAL WHERE _deleted = 0 FORMAT TSV");
        for (String line : tsv.split("\n")) {
            if (!line.isEmpty()) {
                String[] f = line.split("\t");
                rows.put(Integer.parseInt(f[0]), f[1] + "|" + f[2]);
            }
        }
        return rows;
    }

    /**
     * Waits up to 3 minutes for ClickHouse to equal MariaDB (read once: the workload is over);
     * fails with the differing rows by id (expected: MariaDB, actual: ClickHouse).
     */
    static void await(MariaDbServer db, ClickHouseServer clickHouse, String database, String table) {
        Map<Integer, String> expected = sourceRows(db, database, table);
        AwaitEqual.until(table + ": ClickHouse FINAL equals MariaDB (" + expected.size() + " rows)", Duration.ofMinutes(3),
                () -> expected, () -> clickHouseRows(clickHouse, database, table));
        System.out.println(table + ": ClickHouse FINAL equals MariaDB, " + expected.size() + " rows");
    }
}
