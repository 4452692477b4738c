package io.streamingetl.localstack;

import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MariaDbServerTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB);

    @Test
    void writesARowBinlogAndLetsTheCdcUserIn() throws Exception {
        var db = stack.mariaDb();
        db.createCdcUser("cdc", "cdc-secret");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "cdc", "cdc-secret");
             Statement s = c.createStatement()) {
            assertEquals("ON", variable(s, "log_bin"));
            assertEquals("ROW", variable(s, "binlog_format"));
            assertEquals("FULL", variable(s, "binlog_row_image"));
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertTrue(rs.next(), "the CDC user can read the binlog position");
                assertTrue(rs.getString(1).startsWith("mysql-bin."), rs.getString(1));
            }
        }
    }

    private static String variable(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE '" + name + "'")) {
            assertTrue(rs.next(), name);
            return rs.getString(2);
        }
    }
}
