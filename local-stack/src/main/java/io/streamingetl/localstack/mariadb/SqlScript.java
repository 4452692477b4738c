package io.streamingetl.localstack.mariadb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the project's SQL files (connector-configs/sql) through JDBC, as the MySQL image's
 * docker-entrypoint-initdb.d would: statements end with ';' at the end of a line; '--' lines are
 * comments.
 */
public final class SqlScript {
    private SqlScript() {
    }

    public static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    public static void run(Connection connection, Path file) {
        try {
            String script = Files.readString(file, StandardCharsets.UTF_8);
            try (Statement s = connection.createStatement()) {
                for (String sql : statements(script)) {
                    try {
                        s.execute(sql);
                    } catch (SQLException e) {
                        throw new IllegalStateException(file.getFileName() + ": " + e.getMessage() + "\nin: " + sql, e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
