package io.streamingetl.it;

import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.mariadb.SqlScript;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/** The pipeline's source database, created from the same SQL files the Docker stack mounts. */
public final class SourceDatabase {
    private SourceDatabase() {
    }

    public static void create(MariaDbServer db) {
        Path sql = StackLayout.repoRoot().resolve("connector-configs/sql");
        try (Connection c = db.connect()) {
            for (String file : new String[] {"01-schema.sql", "02-seed.sql", "03-users.sql", "04-views.sql"}) {
                SqlScript.run(c, sql.resolve(file));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements in one transaction, as the demo user would. */
    public static void transaction(MariaDbServer db, String... statements) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rows of a query as ClickHouse's TSVRaw prints them (tab-joined, \\N for NULL,
     * newline-terminated), in MariaDB's own rendering of each value: what a test compares a
     * ClickHouse query with.
     */
    public static String tsv(Connection db, String sql) {
        StringBuilder sb = new StringBuilder();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    sb.append(i > 1 ? "\t" : "").append(v == null ? "\\N" : v);
                }
                sb.append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }
}
