package io.streamingetl.it;

import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every column type reads back the same whichever way its rows arrive: Debezium's initial
 * snapshot (JDBC), the binlog, and an incremental snapshot (JDBC in chunks), with MariaDB, the
 * worker JVM and ClickHouse all in Europe/Berlin (a zone with DST, not UTC). Seeded random rows of
 * edge and random values, NULLs and DEFAULTs, written once before the source starts (table
 * {@code snap}, read by the initial snapshot) and once after (table {@code streamed}, created by
 * streamed DDL and read from the binlog); then both tables are snapshotted incrementally, after a
 * change made outside the binlog, which the snapshot must repair. {@code -Dtypes.seed=N} replays.
 */
class TypePathsTest {
    private static final String DB = "types_db";
    private static final String ZONE = "Europe/Berlin";
    private static final int ROWS = 60;

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE).timeZone(ZONE);

    private static final long SEED = Long.getLong("types.seed", System.nanoTime());
    private static final Random RANDOM = new Random(SEED);

    /** A column: its DDL, how each side renders it as comparable text, and its values. */
    private record Column(String name, String ddl, String maria, String click, Function<String, String> normal,
                          Supplier<String> value) {
        Column(String name, String ddl, String maria, String click, Supplier<String> value) {
            this(name, ddl, maria, click, Function.identity(), value);
        }
    }

    private static final List<Column> COLUMNS = List.of(
            integer("c_tinyint", "TINYINT", -128, 127),
            integer("c_tinyint_u", "TINYINT UNSIGNED", 0, 255),
            integer("c_smallint", "SMALLINT", -32768, 32767),
            integer("c_smallint_u", "SMALLINT UNSIGNED", 0, 65535),
            integer("c_mediumint", "MEDIUMINT", -8388608, 8388607),
            integer("c_mediumint_u", "MEDIUMINT UNSIGNED", 0, 16777215),
            integer("c_int", "INT", Integer.MIN_VALUE, Integer.MAX_VALUE),
            integer("c_int_u", "INT UNSIGNED", 0, 4294967295L),
            integer("c_bigint", "BIGINT", Long.MIN_VALUE, Long.MAX_VALUE),
            new Column("c_bigint_u", "BIGINT UNSIGNED", "c_bigint_u", "c_bigint_u",
                    () -> pick("0", "18446744073709551615", new BigInteger(64, RANDOM).toString())),
            // BOOLEAN is TINYINT(1): it holds any TINYINT, and the value must not become true.
            integer("c_bool", "BOOLEAN DEFAULT 1", -128, 127),
            new Column("c_decimal", "DECIMAL(10,2) DEFAULT 1.50", "c_decimal", "c_decimal", TypePathsTest::asDecimal,
                    () -> pick("-99999999.99", "99999999.99", "0.00", decimal(8, 2))),
            new Column("c_decimal65", "DECIMAL(65,30)", "c_decimal65", "c_decimal65", TypePathsTest::asDecimal,
                    () -> pick("-99999999999999999999999999999999999.999999999999999999999999999999",
                            "0.000000000000000000000000000001", decimal(35, 30))),
            new Column("c_float", "FLOAT", "CAST(c_float AS DOUBLE)", "toFloat64(c_float)", TypePathsTest::asDouble,
                    () -> pick("-3.40282e38", "3.40282e38", "1.17549e-38", "-0e0", "0", "0.1",
                            Float.toString(RANDOM.nextFloat() * 1000 - 500))),
            new Column("c_double", "DOUBLE", "c_double", "c_double", TypePathsTest::asDouble,
                    () -> pick("-1.7976931348623157e308", "1.7976931348623157e308", "2.2250738585072014e-308",
                            "-0e0", "0.1", Double.toString(RANDOM.nextGaussian() * 1e6))),
            new Column("c_bit1", "BIT(1)", "c_bit1 + 0", "toUInt8(c_bit1)", () -> pick("b'0'", "b'1'")),
            new Column("c_bit10", "BIT(10)", "c_bit10 + 0", "c_bit10",
                    () -> pick("0", "1023", Integer.toString(RANDOM.nextInt(1024)))),
            new Column("c_bit64", "BIT(64)", "CAST(c_bit64 AS UNSIGNED)", "c_bit64",
                    () -> pick("0", "b'" + "1".repeat(64) + "'", new BigInteger(64, RANDOM).toString())),
            new Column("c_date", "DATE", "c_date", "c_date",
                    () -> quoted(pick("1900-01-01", "1970-01-01", "2024-02-29", "2299-12-31", randomDate()))),
            new Column("c_datetime", "DATETIME", "DATE_FORMAT(c_datetime, '%Y-%m-%d %H:%i:%s')",
                    "formatDateTime(c_datetime, '%Y-%m-%d %H:%i:%s')",
                    // 02:30 on 2024-03-31 does not exist in Berlin, 02:30 on 2024-10-27 exists twice.
                    () -> quoted(pick("2024-03-31 02:30:00", "2024-10-27 02:30:00", "1970-01-01 00:00:00",
                            "2299-12-31 23:59:59", randomDate() + " " + randomTime()))),
            new Column("c_datetime6", "DATETIME(6)", "DATE_FORMAT(c_datetime6, '%Y-%m-%d %H:%i:%s.%f')",
                    "formatDateTime(c_datetime6, '%Y-%m-%d %H:%i:%s.%f')",
                    () -> quoted(pick("2024-03-31 02:30:00.000001", "1900-01-01 00:00:00.000000",
                            randomDate() + " " + randomTime() + "." + String.format("%06d", RANDOM.nextInt(1_000_000))))),
            // TIMESTAMP is an instant: written and read in +00:00 sessions, so the text is UTC.
            new Column("c_ts", "TIMESTAMP(6) NULL", "DATE_FORMAT(c_ts, '%Y-%m-%d %H:%i:%s.%f')",
                    "formatDateTime(c_ts, '%Y-%m-%d %H:%i:%s.%f', 'UTC')",
                    () -> quoted(pick("1970-01-01 00:00:01.000000", "2038-01-19 03:14:07.999999",
                            "2024-03-31 01:30:00.000000", "2024-10-27 00:30:00.500000",
                            (1971 + RANDOM.nextInt(66)) + randomDate().substring(4) + " " + randomTime() + ".123456"))),
            new Column("c_time", "TIME(6)", "TIME_FORMAT(c_time, '%H:%i:%s.%f')", "c_time",
                    () -> quoted(pick("-838:59:59.000000", "838:59:59.000000", "00:00:00.000000",
                            randomTime() + ".000001"))),
            new Column("c_year", "YEAR", "c_year", "c_year", year -> Integer.toString(Integer.parseInt(year)),
                    () -> pick("0", "1901", "2155", Integer.toString(1901 + RANDOM.nextInt(255)))),
            text("c_char", "CHAR(10)", () -> shortText(10)),
            text("c_varchar", "VARCHAR(64) DEFAULT 'dflt'", () -> shortText(64)),
            text("c_text", "TEXT", () -> shortText(200)),
            text("c_blob", "BLOB", () -> "X'" + hex(RANDOM.nextInt(40)) + "'"),
            text("c_binary", "BINARY(4)", () -> "X'" + hex(RANDOM.nextInt(5)) + "'"),
            text("c_varbinary", "VARBINARY(16)", () -> "X'" + hex(RANDOM.nextInt(17)) + "'"),
            text("c_enum", "ENUM('a', 'x,y', 'b\\\\c', 'it''s', 'ü')",
                    () -> pick("'a'", "'x,y'", "'b\\\\c'", "'it''s'", "'ü'")),
            // A NULL SET and the empty set are one value in ClickHouse (Array cannot be Nullable).
            new Column("c_set", "SET('a', 'b', 'c')", "IFNULL(c_set, '')", "arrayStringConcat(c_set, ',')",
                    () -> pick("''", "'a'", "'a,c'", "'a,b,c'")),
            text("c_json", "JSON", () -> pick("'{}'", "'[1, 2.5, \"x\"]'", "'{\"k\": null, \"ü\": [true]}'")),
            new Column("c_default", "INT NULL DEFAULT 7", "c_default", "c_default",
                    () -> Integer.toString(RANDOM.nextInt())));

    @BeforeAll
    static void tables() {
        System.out.println("TypePathsTest seed: " + SEED + " (replay with -Dtypes.seed=" + SEED + ")");
        stack.mariaDb().execute("CREATE DATABASE " + DB,
                "CREATE TABLE " + DB + ".dbz_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL,"
                        + " data VARCHAR(2048) NULL)",
                createTable("snap"));
        stack.mariaDb().createCdcUser("debezium", "dbz");
        stack.mariaDb().execute("GRANT INSERT, UPDATE, DELETE ON " + DB + ".dbz_signal TO 'debezium'@'%'");
        stack.clickHouse().query("CREATE DATABASE " + DB);
    }

    @Test
    void everyTypeReadsBackTheSameFromTheSnapshotTheBinlogAndAnIncrementalSnapshot() throws Exception {
        assertEquals(ZONE + "\n", stack.clickHouse().query("SELECT serverTimezone()"));
        assertEquals("SYSTEM", scalar("SELECT @@GLOBAL.time_zone"));
        List<String> rows = new ArrayList<>();
        for (int id = 1; id <= ROWS; id++) {
            rows.add(row(id));
        }
        insert("snap", rows);

        ConnectorConfig source = stack.sourceConfig(DB).named("types-source")
                .with("table.include.list", DB + "\\..*")
                .with("incremental.snapshot.chunk.size", "16");
        stack.connect().rest().putConnector(source.name(), source.config());
        ConnectorConfig sink = stack.sinkConfig(DB).named("types-sink")
                .with("errors.deadletterqueue.topic.name", "dlq.types");
        stack.connect().rest().putConnector(sink.name(), sink.config());
        awaitRows("snap", ROWS, "");

        stack.mariaDb().execute(createTable("streamed"));
        insert("streamed", rows);
        awaitRows("streamed", ROWS, "");

        List<String> mismatches = new ArrayList<>();
        compare("snap", "initial snapshot", DB + ".snap FINAL", mismatches);
        compare("streamed", "binlog", DB + ".streamed FINAL", mismatches);

        // Changed outside the binlog: only a snapshot can bring it to ClickHouse.
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("SET sql_log_bin = 0");
            s.execute("UPDATE " + DB + ".streamed SET c_int = 424242, c_varchar = 'repaired' WHERE id = 1");
            s.execute("UPDATE " + DB + ".snap SET c_int = 434343, c_varchar = 'repaired' WHERE id = 1");
        }
        long before = Long.parseLong(stack.clickHouse().query(
                "SELECT greatest((SELECT max(_version) FROM " + DB + ".snap), (SELECT max(_version) FROM " + DB
                        + ".streamed))").strip());
        stack.mariaDb().execute("INSERT INTO " + DB + ".dbz_signal (id, type, data) VALUES ('types-1',"
                + " 'execute-snapshot', '{\"data-collections\": [\"" + DB + ".snap\", \"" + DB + ".streamed\"],"
                + " \"type\": \"incremental\"}')");
        String incremental = " WHERE _op = 'r' AND _version > " + before;
        awaitRows("snap", ROWS, incremental);
        awaitRows("streamed", ROWS, incremental);
        for (String table : List.of("snap", "streamed")) {
            compare(table, "incremental snapshot", "(SELECT * FROM " + DB + "." + table + incremental
                    + " ORDER BY id, _version DESC LIMIT 1 BY id)", mismatches);
            compare(table, "FINAL after the incremental snapshot", DB + "." + table + " FINAL", mismatches);
        }
        assertEquals("", String.join("\n", mismatches), "seed " + SEED + ": values that differ from MariaDB's");
    }

    // ------------------------------------------------------------------ the comparison

    /** Every column of every row of {@code from} in ClickHouse against {@code table} in MariaDB. */
    private static void compare(String table, String path, String from, List<String> mismatches) throws SQLException {
        StringBuilder maria = new StringBuilder("SELECT id");
        StringBuilder click = new StringBuilder("SELECT id");
        for (Column c : COLUMNS) {
            maria.append(", ").append(c.maria());
            click.append(", ").append(c.click());
        }
        String expected;
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            expected = SourceDatabase.tsv(c, maria + " FROM " + DB + "." + table + " ORDER BY id");
        }
        String actual = stack.clickHouse().query(click + " FROM " + from + " WHERE _deleted = 0 ORDER BY id FORMAT TSVRaw");
        boolean snapshot = !"binlog".equals(path); // FINAL after a snapshot holds the snapshot's reads
        String[] want = expected.split("\n");
        String[] got = actual.split("\n");
        if (want.length != got.length) {
            mismatches.add(path + " " + table + ": " + got.length + " rows, MariaDB has " + want.length);
            return;
        }
        for (int r = 0; r < want.length; r++) {
            String[] w = want[r].split("\t", -1);
            String[] g = got[r].split("\t", -1);
            for (int i = 0; i < COLUMNS.size(); i++) {
                Column c = COLUMNS.get(i);
                String wi = normal(c, w[i + 1], snapshot);
                String gi = normal(c, g[i + 1], snapshot);
                if (!wi.equals(gi)) {
                    mismatches.add(path + " " + table + " id " + w[0] + " " + c.name() + " (" + c.ddl() + "): MariaDB "
                            + wi + ", ClickHouse " + gi);
                }
            }
        }
    }

    private static String normal(Column c, String value, boolean snapshot) {
        if ("\\N".equals(value)) {
            return value;
        }
        if (snapshot && c.ddl().equals("FLOAT")) {
            // A snapshot reads FLOAT over MariaDB's text protocol, which sends 6 significant digits
            // (MySQL 8 sends the shortest exact form); the binlog carries the exact value.
            return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return c.normal().apply(value);
    }

    /** Decimals compared by value: ClickHouse prints 1.5 where MariaDB prints 1.50. */
    private static String asDecimal(String text) {
        return new BigDecimal(text).stripTrailingZeros().toPlainString();
    }

    /**
     * Doubles compared by value, not by each side's formatting. -0.0 counts as 0.0: Kafka's
     * JsonConverter reads every JSON number through BigDecimal, which has no negative zero (the
     * README's type notes say so; Avro keeps the sign).
     */
    private static String asDouble(String text) {
        double d = Double.parseDouble(text);
        return Double.toString(d == 0.0 ? 0.0 : d);
    }

    // ------------------------------------------------------------------ the rows

    private static String createTable(String table) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + DB + "." + table + " (id INT PRIMARY KEY");
        for (Column c : COLUMNS) {
            ddl.append(", ").append(c.name()).append(' ').append(c.ddl());
        }
        return ddl.append(") DEFAULT CHARSET = utf8mb4").toString();
    }

    /** One row's VALUES: a tenth of the values NULL, a tenth DEFAULT, the rest edges or random. */
    private static String row(int id) {
        StringBuilder values = new StringBuilder("(" + id);
        for (Column c : COLUMNS) {
            int dice = RANDOM.nextInt(10);
            values.append(", ").append(dice == 0 ? "NULL" : dice == 1 ? "DEFAULT" : c.value().get());
        }
        return values.append(')').toString();
    }

    private static void insert(String table, List<String> rows) throws SQLException {
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'"); // TIMESTAMP literals are UTC instants
            for (String values : rows) {
                s.execute("INSERT INTO " + DB + "." + table + " VALUES " + values);
            }
        }
    }

    private static void awaitRows(String table, int rows, String where) {
        AwaitEqual.until(rows + " rows of " + table + where + " in ClickHouse", Duration.ofSeconds(120), () -> rows,
                () -> Integer.parseInt(stack.clickHouse().query("SELECT uniqExact(id) FROM " + DB + "." + table + where)
                        .strip()));
    }

    private static String scalar(String sql) throws SQLException {
        try (Connection c = stack.mariaDb().connect()) {
            return SourceDatabase.tsv(c, sql).strip();
        }
    }

    private static Column integer(String name, String ddl, long min, long max) {
        return new Column(name, ddl, name, name, () -> pick(Long.toString(min), Long.toString(max), "0",
                Long.toString(min + (long) (RANDOM.nextDouble() * ((double) max - min)))));
    }

    /** Text and bytes compared as hex: tabs, newlines and bytes survive the TSV. */
    private static Column text(String name, String ddl, Supplier<String> value) {
        return new Column(name, ddl, "HEX(" + name + ")", "hex(" + name + ")", value);
    }

    private static String pick(String... candidates) {
        return candidates[RANDOM.nextInt(candidates.length)];
    }

    private static String quoted(String s) {
        return "'" + s + "'";
    }

    private static String decimal(int digits, int scale) {
        StringBuilder s = new StringBuilder(RANDOM.nextBoolean() ? "-" : "");
        s.append(1 + RANDOM.nextInt(9));
        for (int i = 1; i < digits; i++) {
            s.append(RANDOM.nextInt(10));
        }
        s.append('.');
        for (int i = 0; i < scale; i++) {
            s.append(RANDOM.nextInt(10));
        }
        return s.toString();
    }

    private static String randomDate() {
        return String.format("%04d-%02d-%02d", 1900 + RANDOM.nextInt(400), 1 + RANDOM.nextInt(12), 1 + RANDOM.nextInt(28));
    }

    private static String randomTime() {
        return String.format("%02d:%02d:%02d", RANDOM.nextInt(24), RANDOM.nextInt(60), RANDOM.nextInt(60));
    }

    private static String hex(int bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            s.append(String.format("%02X", RANDOM.nextInt(256)));
        }
        return s.toString();
    }

    /** Letters, a quote, a backslash, a tab, a newline, a comma and non-ASCII: what escaping gets wrong. */
    private static String shortText(int max) {
        String[] parts = {"a", "Z", "''", "\\\\", "\\t", "\\n", ",", "ü", "€", " ", "x"};
        StringBuilder s = new StringBuilder("'");
        int n = RANDOM.nextInt(Math.min(max, 12) + 1);
        for (int i = 0; i < n; i++) {
            s.append(parts[RANDOM.nextInt(parts.length)]);
        }
        return s.append('\'').toString();
    }
}
