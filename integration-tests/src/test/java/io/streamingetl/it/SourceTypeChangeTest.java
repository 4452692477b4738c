package io.streamingetl.it;

import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real ALTER TABLEs in MariaDB while the pipeline streams, evolved from the records' schemas alone
 * (the SMT's schema.changes=pass: no schema-change markers): widening changes (INT to BIGINT,
 * VARCHAR(20) to VARCHAR(200), DECIMAL(10,2) to DECIMAL(14,4), INT UNSIGNED to BIGINT UNSIGNED,
 * FLOAT to DOUBLE, NOT NULL to NULL, a value added to an ENUM kept as Enum8 and to a SET kept as
 * Array(Enum8)) modify the ClickHouse columns and the stream goes on with
 * values only the wider types hold; a dropped column stays in ClickHouse and later rows leave it
 * NULL; a change that cannot be applied (INT to VARCHAR) sends its records to the DLQ with a
 * reason and leaves the column and the rows already written untouched.
 */
class SourceTypeChangeTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE);

    @Test
    void wideningChangesAlterTheColumnAndTheStreamGoesOn() throws Exception {
        sql("CREATE DATABASE tc_db",
                "CREATE TABLE tc_db.t (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(20) NOT NULL, d DECIMAL(10, 2),"
                        + " u INT UNSIGNED, f FLOAT, nn INT NOT NULL, gone INT, x INT, e ENUM('s', 'm'),"
                        + " st SET('a', 'b'))",
                "INSERT INTO tc_db.t VALUES (1, -2147483648, 'short', 12345678.91, 4294967295, 0.5, 1, 10, 100, 'm', 'b,a'),"
                        + " (2, 2147483647, '', NULL, NULL, NULL, 2, 20, NULL, NULL, '')");
        stack.mariaDb().createCdcUser("debezium", "dbz");
        // Schema evolution from the records alone, as for a source without schema-change markers
        // (MigrationFuzzTest covers the markers, which convert the INT -> VARCHAR column instead).
        ConnectorConfig source = stack.sourceConfig("tc_db").named("tc-source")
                .without("signal.data.collection")
                .with("transforms.enrich.schema.changes", "pass");
        ConnectorConfig sink = stack.sinkConfig("tc_db").named("tc-sink")
                .with("table.enum.type", "Enum")
                .with("errors.deadletterqueue.topic.name", "dlq.tc");
        stack.clickHouse().query("CREATE DATABASE tc_db"); // the sink checks its default database at validation
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().putConnector(sink.name(), sink.config());
        awaitEqual("the snapshot");

        sql("ALTER TABLE tc_db.t MODIFY n BIGINT NOT NULL, MODIFY s VARCHAR(200) NOT NULL, MODIFY d DECIMAL(14, 4),"
                        + " MODIFY u BIGINT UNSIGNED, MODIFY f DOUBLE, MODIFY nn INT NULL, DROP COLUMN gone,"
                        + " MODIFY e ENUM('s', 'm', 'l'), MODIFY st SET('a', 'b', 'c')",
                "INSERT INTO tc_db.t (id, n, s, d, u, f, nn, x, e, st) VALUES (3, 1099511627776, REPEAT('w', 200),"
                        + " 1234567890.1234, 18446744073709551615, 0.25, NULL, 300, 'l', 'c,a')",
                "UPDATE tc_db.t SET n = -1099511627776, d = -0.0001 WHERE id = 1");
        awaitEqual("the widening ALTER");
        assertEquals("""
                id\tInt32
                n\tInt64
                s\tString
                d\tNullable(Decimal(14, 4))
                u\tNullable(UInt64)
                f\tNullable(Float64)
                nn\tNullable(Int32)
                gone\tNullable(Int32)
                x\tNullable(Int32)
                e\tNullable(Enum8('' = 0, 's' = 1, 'm' = 2, 'l' = 3))
                st\tArray(Enum8('' = 0, 'a' = 1, 'b' = 2, 'c' = 3))
                """, stack.clickHouse().query("SELECT name, type FROM system.columns WHERE database = 'tc_db'"
                + " AND table = 't' AND NOT startsWith(name, '_') ORDER BY position FORMAT TSVRaw"));
        assertEquals("1\t\\N\n2\t20\n3\t\\N\n", stack.clickHouse().query("SELECT id, gone FROM tc_db.t FINAL ORDER BY id"),
                "the dropped column keeps the values of rows untouched since the DROP; rows written after it have NULL");

        // Not a widening: INT -> VARCHAR. The record goes to the DLQ with the reason; nothing else changes.
        sql("ALTER TABLE tc_db.t MODIFY x VARCHAR(10)", "INSERT INTO tc_db.t (id, n, s, x) VALUES (4, 4, 'four', 'abc')",
                "UPDATE tc_db.t SET n = 5 WHERE id = 2");
        try (TopicReader dlq = new TopicReader(stack.kafka().bootstrapServers(), "dlq.tc")) {
            List<ConsumerRecord<byte[], byte[]>> dead = dlq.readAtLeast(2, Duration.ofSeconds(90));
            assertEquals(2, dead.size(), "the insert of id 4 and the update of id 2 after the change");
            String why = header(dead.get(0), "__connect.errors.exception.message");
            assertTrue(why.contains("'x'") && why.contains("Nullable(String)") && why.contains("Nullable(Int32)")
                    && why.contains("migrate the column"), why);
        }
        assertEquals("x\tNullable(Int32)\n", stack.clickHouse().query("SELECT name, type FROM system.columns"
                + " WHERE database = 'tc_db' AND table = 't' AND name = 'x'"));
        assertEquals("1\t-1099511627776\t100\n2\t2147483647\t\\N\n3\t1099511627776\t300\n", stack.clickHouse().query(
                "SELECT id, n, x FROM tc_db.t FINAL WHERE _deleted = 0 ORDER BY id"), "the rows already written");
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** ClickHouse FINAL equals MariaDB for the compared columns, rendered the same way. */
    private static void awaitEqual(String when) {
        AwaitEqual.until("ClickHouse = MariaDB after " + when, Duration.ofSeconds(90), SourceTypeChangeTest::mariaDb,
                () -> stack.clickHouse().query("SELECT id, n, s, toDecimalString(d, 4), u, f, nn, e, arrayStringConcat(st, ',') FROM tc_db.t FINAL"
                        + " WHERE _deleted = 0 ORDER BY id FORMAT TSVRaw"));
    }

    private static String mariaDb() {
        try (Connection c = stack.mariaDb().connect()) {
            return SourceDatabase.tsv(c, "SELECT id, n, s, CAST(d AS DECIMAL(14, 4)), u, f, nn, e, st FROM tc_db.t ORDER BY id");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "(no " + name + ")" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
