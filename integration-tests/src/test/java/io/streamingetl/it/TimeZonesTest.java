package io.streamingetl.it;

import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DATETIME and TIMESTAMP with neither side in UTC: MariaDB's time_zone is -07:00 (sessions write
 * TIMESTAMPs in it), ClickHouse's server zone is Asia/Kolkata. DATETIME has no zone: ClickHouse
 * shows the wall-clock value as written. TIMESTAMP is an instant: ClickHouse (columns in
 * table.datetime.timezone, UTC) shows it in UTC, as MariaDB does in a +00:00 session. Rows from
 * the snapshot (read over JDBC) and from the binlog must agree.
 */
class TimeZonesTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT);
    private static ClickHouseServer clickHouse;

    private static final String ROWS = "(%d, '2024-03-10 01:30:00.123456', '2024-03-10 01:30:00.123456'),"
            + " (%d, '1970-01-01 00:00:00', '1970-01-01 00:00:01'),"
            + " (%d, '2299-12-31 23:59:59.999999', '2038-01-18 20:14:07.999999'),"
            + " (%d, '2024-11-03 01:30:00', '2024-11-03 01:30:00')";

    @BeforeAll
    static void startClickHouseInAnotherZone() {
        clickHouse = ClickHouseServer.forTests(Path.of("target", "local-stack", "TimeZonesTest", "clickhouse")
                .toAbsolutePath()).timeZone("Asia/Kolkata").start();
    }

    @AfterAll
    static void stopClickHouse() {
        if (clickHouse != null) {
            clickHouse.stop();
        }
    }

    @Test
    void datetimeKeepsItsWallClockAndTimestampItsInstant() throws Exception {
        assertEquals("Asia/Kolkata\n", clickHouse.query("SELECT serverTimezone()"));
        sql("SET GLOBAL time_zone = '-07:00'",
                "CREATE DATABASE tz_db",
                "CREATE TABLE tz_db.t (id INT PRIMARY KEY, dt DATETIME(6), ts TIMESTAMP(6) NULL)");
        sqlInZone("-07:00", "INSERT INTO tz_db.t VALUES " + String.format(ROWS, 1, 2, 3, 4));
        stack.mariaDb().createCdcUser("debezium", "dbz");
        clickHouse.query("CREATE DATABASE tz_db");
        ConnectorConfig source = stack.sourceConfig("tz_db").named("tz-source")
                .without("signal.data.collection");
        ConnectorConfig sink = stack.sinkConfig(clickHouse, "tz_db").named("tz-sink")
                .with("errors.deadletterqueue.topic.name", "dlq.tz");
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().putConnector(sink.name(), sink.config());
        awaitRows(4);
        sqlInZone("-07:00", "INSERT INTO tz_db.t VALUES " + String.format(ROWS, 11, 12, 13, 14));
        awaitRows(8);

        String expected;
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'"); // TIMESTAMPs as UTC instants, DATETIMEs as written
            expected = SourceDatabase.tsv(c, "SELECT id, dt, ts FROM tz_db.t ORDER BY id");
        }
        assertEquals(expected, clickHouse.query("SELECT id, dt, ts FROM tz_db.t FINAL WHERE _deleted = 0 ORDER BY id"
                + " FORMAT TSVRaw"));
        // Spelled out, so that the comparison cannot pass with both sides shifted alike.
        assertEquals("""
                1\t2024-03-10 01:30:00.123456\t2024-03-10 08:30:00.123456
                2\t1970-01-01 00:00:00.000000\t1970-01-01 07:00:01.000000
                3\t2299-12-31 23:59:59.999999\t2038-01-19 03:14:07.999999
                4\t2024-11-03 01:30:00.000000\t2024-11-03 08:30:00.000000
                """, clickHouse.query("SELECT id, dt, ts FROM tz_db.t FINAL WHERE id < 10 ORDER BY id FORMAT TSVRaw"));
        assertEquals("dt\tNullable(DateTime64(6, 'UTC'))\nts\tNullable(DateTime64(6, 'UTC'))\n", clickHouse.query(
                "SELECT name, type FROM system.columns WHERE database = 'tz_db' AND table = 't' AND name IN ('dt', 'ts')"
                        + " ORDER BY position FORMAT TSVRaw"));
    }

    private static void awaitRows(int rows) {
        AwaitEqual.until(rows + " rows in ClickHouse", Duration.ofSeconds(90), () -> rows,
                () -> Integer.parseInt(clickHouse.query("SELECT count() FROM tz_db.t FINAL").strip()));
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static void sqlInZone(String zone, String statement) throws SQLException {
        sql("SET time_zone = '" + zone + "'", statement); // one connection: the SET holds for the INSERT
    }
}
