package io.streamingetl.it;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./deploy.sh --local --source=HOST:PORT --clickhouse=URL}: the pipeline pointed at a
 * user's own MariaDB and ClickHouse (here servers this test starts on ports of their own, with a
 * database {@code shop} that knows nothing of the demo). First the source is set up wrong, as it
 * often is: the preflight names each problem with its fix and nothing starts. Fixed, the deploy
 * starts only Kafka and Connect, captures the user's tables into ClickHouse and keeps up with
 * changes; {@code ./terminate.sh} stops what it started and leaves the user's servers alone.
 */
class OwnSystemsDeployTest {

    @RegisterExtension
    static final LocalStackExtension yours = LocalStackExtension.with(Component.MARIADB, Component.CLICKHOUSE);

    private static final Map<String, String> ENV = new HashMap<>();
    private static Path home;

    @Test
    void deployCapturesYourOwnDatabaseAfterAPreflightThatSaysWhatToFix() throws Exception {
        home = Path.of("target", "local-stack", "OwnSystemsDeployTest-home").toAbsolutePath();
        StackHome.deleteRecursively(home);
        Files.createDirectories(home);
        ENV.put("STREAMINGETL_HOME", home.resolve("home").toString());
        for (String variable : List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "CONNECT_PORT")) {
            ENV.put(variable, String.valueOf(Ports.free()));
        }
        ENV.put("SOURCE_USER", "cdc");
        ENV.put("SOURCE_PASSWORD", "s3cret'pw");
        ENV.put("SOURCE_DATABASES", "shop");
        ENV.put("CLICKHOUSE_USER", "default");
        yours.mariaDb().execute("CREATE DATABASE shop",
                "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, tier ENUM('basic', 'gold'))",
                "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2))",
                "CREATE TABLE shop.returns (id INT PRIMARY KEY)", // empty: no ClickHouse table until a row comes
                "CREATE USER 'cdc'@'%' IDENTIFIED BY 's3cret''pw'",
                "GRANT SELECT ON shop.* TO 'cdc'@'%'",
                "SET GLOBAL binlog_row_image = 'MINIMAL'",
                "SET GLOBAL binlog_legacy_event_pos = OFF");
        try (Connection c = yours.mariaDb().connect(); var s = c.createStatement()) {
            for (int i = 1; i <= 50; i++) {
                s.execute("INSERT INTO shop.customers VALUES (" + i + ", 'customer " + i + "', '"
                        + (i % 3 == 0 ? "gold" : "basic") + "')");
            }
            for (int i = 1; i <= 200; i++) {
                s.execute("INSERT INTO shop.orders VALUES (" + i + ", " + (1 + i % 50) + ", " + (i * 3.25) + ")");
            }
        }
        String source = "--source=127.0.0.1:" + yours.mariaDb().port();
        String clickHouse = "--clickhouse=" + yours.clickHouse().httpUrl();

        RepoCommand refused = run("deploy-refused", "./deploy.sh", "--local", "--no-build", source, clickHouse);
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.out().contains("binlog_row_image is MINIMAL; Debezium needs FULL"), refused.out());
        assertTrue(refused.out().contains("binlog_legacy_event_pos is OFF"), refused.out());
        assertTrue(refused.out().contains("'cdc' lacks RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR"),
                refused.out());
        assertFalse(refused.out().contains("s3cret"), "no password in the output: " + refused.out());
        assertFalse(Ports.isListening(Integer.parseInt(ENV.get("KAFKA_PORT"))), "nothing started before the preflight");

        yours.mariaDb().execute("GRANT RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.*"
                        + " TO 'cdc'@'%'",
                "SET GLOBAL binlog_row_image = 'FULL'",
                "SET GLOBAL binlog_legacy_event_pos = ON");
        // Options are sticky: the second deploy needs none of them.
        RepoCommand deployed = run("deploy", "./deploy.sh", "--local", "--no-build");
        assertEquals(0, deployed.exit(), deployed.out());
        assertTrue(deployed.out().contains("preflight passed"), deployed.out());
        assertTrue(deployed.out().matches("(?s).*Source \\(yours\\) +127\\.0\\.0\\.1:\\d+ \\(shop, user cdc\\) +- +UP\n.*"),
                deployed.out());
        assertTrue(deployed.out().matches("(?s).*ClickHouse \\(yours\\) +http://127\\.0\\.0\\.1:\\d+ \\(user default\\) +- +UP\n.*"),
                deployed.out());
        assertTrue(deployed.out().contains("no table shop.dbz_signal"), deployed.out());
        assertFalse(deployed.out().contains("s3cret"), "no password in the output: " + deployed.out());
        assertFalse(deployed.out().contains("mariadb    starting") || deployed.out().contains("clickhouse starting"),
                "neither MariaDB nor ClickHouse of ours: " + deployed.out());
        assertSame("customers", "SELECT id, name, tier FROM shop.customers ORDER BY id",
                "SELECT id, name, tier FROM shop.customers FINAL WHERE _deleted = 0 ORDER BY id");
        assertSame("orders", "SELECT id, customer_id, total FROM shop.orders ORDER BY id",
                "SELECT id, customer_id, toDecimalString(total, 2) FROM shop.orders FINAL WHERE _deleted = 0 ORDER BY id");

        yours.mariaDb().execute("UPDATE shop.customers SET tier = 'gold', name = 'renamed' WHERE id <= 10",
                "DELETE FROM shop.orders WHERE id > 150",
                "INSERT INTO shop.returns VALUES (1), (2)");
        assertSame("customers", "SELECT id, name, tier FROM shop.customers ORDER BY id",
                "SELECT id, name, tier FROM shop.customers FINAL WHERE _deleted = 0 ORDER BY id");
        assertSame("orders", "SELECT id, customer_id, total FROM shop.orders ORDER BY id",
                "SELECT id, customer_id, toDecimalString(total, 2) FROM shop.orders FINAL WHERE _deleted = 0 ORDER BY id");
        assertSame("returns", "SELECT id FROM shop.returns ORDER BY id",
                "SELECT id FROM shop.returns FINAL WHERE _deleted = 0 ORDER BY id");
        assertEquals("0\n", yours.clickHouse().query("EXISTS TABLE streaming_etl_db.person"), "nothing of the demo");

        RepoCommand terminated = run("terminate", "./terminate.sh");
        assertEquals(0, terminated.exit(), terminated.out());
        assertFalse(Ports.isListening(Integer.parseInt(ENV.get("CONNECT_PORT"))), "the worker stopped");
        assertEquals("1\n", yours.clickHouse().query("SELECT 1"), "your ClickHouse still runs");
        try (Connection c = yours.mariaDb().connect()) {
            assertTrue(c.isValid(5), "your MariaDB still runs");
        }
    }

    @AfterAll
    static void stopWhatDeployStarted() throws Exception {
        if (home != null) {
            run("terminate-after", "./terminate.sh");
        }
    }

    private static void assertSame(String table, String maria, String click) {
        AwaitEqual.until("shop." + table + " in ClickHouse equals MariaDB's", Duration.ofSeconds(90), () -> {
            try (Connection c = yours.mariaDb().connect()) {
                return SourceDatabase.tsv(c, maria);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, () -> yours.clickHouse().query(click + " FORMAT TSVRaw"));
    }

    private static RepoCommand run(String name, String... command) throws Exception {
        return RepoCommand.run(home, ENV, name, command);
    }
}
