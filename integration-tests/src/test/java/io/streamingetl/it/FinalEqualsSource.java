package io.streamingetl.it;

import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.mariadb.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

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

    /** Waits up to 3 minutes for ClickHouse to equal MariaDB; fails with the differing rows. */
    static void await(MariaDbServer db, ClickHouseServer clickHouse, String database, String table) {
        Map<Integer, String> expected = sourceRows(db, database, table);
        AtomicReference<Map<Integer, String>> found = new AtomicReference<>(Map.of());
        try {
            Wait.until(table + ": ClickHouse FINAL equals MariaDB (" + expected.size() + " rows)", Duration.ofMinutes(3),
                    () -> {
                        found.set(clickHouseRows(clickHouse, database, table));
                        return found.get().equals(expected);
                    });
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(table + ": " + diff(expected, found.get()), e);
        }
        System.out.println(table + ": ClickHouse FINAL equals MariaDB, " + expected.size() + " rows");
    }

    static String diff(Map<Integer, String> expected, Map<Integer, String> found) {
        List<String> out = new ArrayList<>();
        int differing = 0;
        TreeSet<Integer> ids = new TreeSet<>(expected.keySet());
        ids.addAll(found.keySet());
        for (Integer id : ids) {
            if (!Objects.equals(expected.get(id), found.get(id)) && differing++ < 10) {
                out.add("id " + id + ": MariaDB " + expected.get(id) + ", ClickHouse " + found.get(id));
            }
        }
        return differing + " rows differ, e.g. " + out;
    }
}
