package io.streamingetl.it;

import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.mariadb.SqlScript;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/** The SQL behind the Debezium fixtures (src/test/resources/fixtures), shared by the tests that replay it. */
final class FixtureWorkload {
    private FixtureWorkload() {
    }

    static Path resource(String name) throws Exception {
        return Path.of(FixtureWorkload.class.getResource("/fixtures/" + name).toURI());
    }

    /** Runs a workload file; each blank-line-separated block is one transaction. */
    static void run(MariaDbServer db, Path file) throws Exception {
        String script = Files.readString(file, StandardCharsets.UTF_8);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String block : script.split("\n\\s*\n")) {
                List<String> statements = SqlScript.statements(block);
                if (statements.isEmpty()) {
                    continue;
                }
                c.setAutoCommit(false);
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            }
            c.setAutoCommit(true);
        }
    }
}
