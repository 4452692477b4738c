package io.streamingetl.it;

import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Schema migrations through the real pipeline (MariaDB with MySQL-style positions, Debezium, the
 * enrich SMT's schema-change markers, Kafka, the sink, ClickHouse): after every step, every source
 * table equals its ClickHouse table read with FINAL, compared by the source's current column names
 * for all rows.
 * <ol>
 * <li>{@link #everyKindOfMigrationEndsEqual}: each statement of issue 24's list once, with writes
 *     before and after it; prints the table of what each left different (nothing, now).
 * <li>{@link #seededRandomMigrationsUnderKills}: random DDL interleaved with random single- and
 *     multi-statement transactions on several tables, with kill -9 of the Connect worker and of
 *     ClickHouse at seeded steps. Replay with {@code -Dmigration.seed=<printed seed>}; run longer
 *     with {@code -Dmigration.steps=300}.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationFuzzTest {
    private static final String DB = "mig_db";
    private static final String SINK = "mig-sink";
    private static final String DLQ = "dlq.mig";
    private static final long SEED = Long.getLong("migration.seed", System.currentTimeMillis());
    private static final int STEPS = Integer.getInteger("migration.steps", 14);
    private static final Duration CATCH_UP = Duration.ofMinutes(3);
    /** ClickHouse tables that are not a source table's: the sink's state, tables set aside. */
    private static final Pattern NOT_A_SOURCE_TABLE = Pattern.compile("^_.*|.*_(dropped|replaced|gen)_\\d{8}_\\d{6}(_\\d+)?$");

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE);

    @BeforeAll
    static void pipeline() {
        stack.mariaDb().execute("CREATE DATABASE " + DB);
        stack.mariaDb().createCdcUser("debezium", "dbz");
        stack.clickHouse().query("CREATE DATABASE " + DB);
        ConnectorConfig source = stack.sourceConfig(DB).named("mig-source").without("signal.data.collection");
        ConnectorConfig sink = stack.sinkConfig(DB).named(SINK)
                .with("errors.deadletterqueue.topic.name", DLQ)
                .with("buffer.flush.interval.ms", "300")
                // Tables created mid-run get topics the sink finds at its next metadata refresh.
                .with("consumer.override.metadata.max.age.ms", "1000");
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().putConnector(sink.name(), sink.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));
        stack.connect().rest().awaitRunning(SINK, 1, Duration.ofSeconds(90));
        SourceStreaming.await(stack); // the tests create their tables next
    }

    @Test
    @Order(1)
    void everyKindOfMigrationEndsEqual() {
        Random random = new Random(1);
        Workload w = new Workload(random);
        Map<String, String> results = new LinkedHashMap<>();

        w.create("s_add", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_add", 60);
        results.put("ADD COLUMN c INT NOT NULL DEFAULT 7, ADD COLUMN e VARCHAR(10) DEFAULT 'new'", step(w, "s_add",
                "ALTER TABLE s_add ADD COLUMN c INT NOT NULL DEFAULT 7, ADD COLUMN e VARCHAR(10) DEFAULT 'new'"));

        w.create("s_widen", "id INT PRIMARY KEY, n INT NOT NULL, d DECIMAL(10,2), a VARCHAR(20)");
        w.writes("s_widen", 60);
        results.put("MODIFY widening (INT→BIGINT, DECIMAL(10,2)→(20,4), VARCHAR longer)", step(w, "s_widen",
                "ALTER TABLE s_widen MODIFY n BIGINT NOT NULL, MODIFY d DECIMAL(20,4), MODIFY a VARCHAR(200)"));

        w.create("s_rename_col", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_rename_col", 60);
        results.put("RENAME COLUMN a TO b", step(w, "s_rename_col", "ALTER TABLE s_rename_col RENAME COLUMN a TO b"));
        results.put("CHANGE COLUMN b b2 VARCHAR(30) NOT NULL", step(w, "s_rename_col",
                "ALTER TABLE s_rename_col CHANGE COLUMN b b2 VARCHAR(30) NOT NULL"));

        w.create("s_drop_col", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_drop_col", 60);
        results.put("DROP COLUMN n", step(w, "s_drop_col", "ALTER TABLE s_drop_col DROP COLUMN n"));

        w.create("s_retype", "id INT PRIMARY KEY, n INT, d DECIMAL(10,2) NOT NULL, dt DATE, v VARCHAR(10)");
        w.writes("s_retype", 60);
        w.sql("UPDATE s_retype SET v = CAST(id * 3 AS CHAR)");
        results.put("MODIFY INT→VARCHAR, DATE→DATETIME, DECIMAL(10,2)→(10,1)", step(w, "s_retype",
                "ALTER TABLE s_retype MODIFY n VARCHAR(20), MODIFY dt DATETIME, MODIFY d DECIMAL(10,1) NOT NULL"));
        results.put("MODIFY VARCHAR→INT (values numeric)", step(w, "s_retype", "ALTER TABLE s_retype MODIFY v INT"));

        w.create("s_truncate", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_truncate", 60);
        results.put("TRUNCATE TABLE, then writes", step(w, "s_truncate", "TRUNCATE TABLE s_truncate"));

        w.create("s_ren1", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_ren1", 60);
        results.put("RENAME TABLE t1 TO t2, then writes to t2", step(w, "s_ren2", "RENAME TABLE s_ren1 TO s_ren2"));

        w.create("s_swap", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_swap", 60);
        results.put("gh-ost style swap: RENAME TABLE t TO t_old, t_new TO t", step(w, "s_swap",
                "CREATE TABLE s_swap_new LIKE s_swap",
                "ALTER TABLE s_swap_new ADD COLUMN g INT NOT NULL DEFAULT 0",
                "INSERT INTO s_swap_new (id, a, n, g) SELECT id, a, n, 1 FROM s_swap",
                "RENAME TABLE s_swap TO s_swap_old, s_swap_new TO s_swap",
                "DROP TABLE s_swap_old"));

        w.create("s_recreate", "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT");
        w.writes("s_recreate", 60);
        results.put("DROP TABLE + CREATE TABLE, other columns (n INT→VARCHAR)", step(w, "s_recreate",
                "DROP TABLE s_recreate", "CREATE TABLE s_recreate (id INT PRIMARY KEY, n VARCHAR(20), z DATE)"));

        // The source's DDL times have whole seconds: the second drop's aside name must not be the first's.
        results.put("DROP + CREATE + DROP + CREATE in one second", step(w, "s_recreate",
                "DROP TABLE s_recreate", "CREATE TABLE s_recreate (id INT PRIMARY KEY, a VARCHAR(20))",
                "INSERT INTO s_recreate VALUES (1, 'between the drops')",
                "DROP TABLE s_recreate", "CREATE TABLE s_recreate (id INT PRIMARY KEY, a VARCHAR(20), n INT)"));

        w.create("s_key", "id INT PRIMARY KEY, k INT NOT NULL, a VARCHAR(20)");
        w.writes("s_key", 60);
        results.put("UPDATE of a primary-key value", step(w, "s_key", "UPDATE s_key SET id = id + 100000 WHERE id % 5 = 0"));
        results.put("DROP PRIMARY KEY, ADD PRIMARY KEY (id, k)", step(w, "s_key",
                "ALTER TABLE s_key DROP PRIMARY KEY, ADD PRIMARY KEY (id, k)"));
        results.put("RENAME COLUMN of a key column", step(w, "s_key", "ALTER TABLE s_key RENAME COLUMN k TO k2"));

        // No primary key: an append-only change log of every change, in binlog order.
        w.create("s_nokey", "a INT, b VARCHAR(10)");
        w.sql("INSERT INTO s_nokey VALUES (1, 'x'), (1, 'x'), (2, 'y')", "UPDATE s_nokey SET b = 'z' WHERE a = 2",
                "DELETE FROM s_nokey WHERE a = 1");
        String log = AwaitEqual.until("s_nokey: the change log holds each change once", CATCH_UP,
                () -> "c\t1\tx\t0\nc\t1\tx\t0\nc\t2\ty\t0\nu\t2\tz\t0\nd\t1\tx\t1\nd\t1\tx\t1\n",
                () -> stack.clickHouse().query("SELECT _op, a, b, _deleted FROM " + DB + ".s_nokey ORDER BY _version"));
        results.put("a table without a primary key (3 inserts, an update, 2 deletes)", log.split("\n").length
                + " change-log rows, in binlog order");

        System.out.println("\n| source statement | ClickHouse afterwards |\n|---|---|");
        results.forEach((statement, result) -> System.out.println("| `" + statement + "` | " + result + " |"));
        assertEquals(0, dlqRecords(), "no record went to the DLQ");
    }

    @Test
    @Order(2)
    void seededRandomMigrationsUnderKills() throws Exception {
        System.out.println("MigrationFuzzTest seed " + SEED + ", " + STEPS + " steps (replay: -Dmigration.seed=" + SEED
                + " -Dmigration.steps=" + STEPS + ")");
        Random random = new Random(SEED);
        Workload w = new Workload(random);
        for (int i = 0; i < 3; i++) {
            w.create("f" + i, "id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, n INT, d DECIMAL(10,2), dt DATE");
            w.writes("f" + i, 20 + random.nextInt(40));
        }
        // At least one kill of each kind in every run, at seeded steps; more in long runs.
        int workerKill = random.nextInt(STEPS);
        int clickHouseKill = random.nextInt(STEPS);
        for (int step = 0; step < STEPS; step++) {
            String table = w.randomTable("f");
            List<String> ddl = w.randomMigration(table);
            String fault = step == workerKill || random.nextInt(25) == 0 ? "worker"
                    : step == clickHouseKill || random.nextInt(25) == 0 ? "clickhouse" : null;
            boolean faultFirst = random.nextBoolean();
            System.out.printf("step %d: %s%s%n", step, ddl, fault == null ? "" : " + kill -9 " + fault
                    + (faultFirst ? " before it" : " after it"));
            w.randomTransactions(random.nextInt(3));
            if (fault != null && faultFirst) {
                kill(fault, random);
            }
            w.sql(ddl.toArray(String[]::new));
            w.randomTransactions(1 + random.nextInt(3));
            if (fault != null && !faultFirst) {
                kill(fault, random);
            }
            awaitEqual("step " + step + " (seed " + SEED + "): " + ddl);
        }
        assertEquals(0, dlqRecords(), "no record went to the DLQ (seed " + SEED + ")");
    }

    private static void kill(String what, Random random) throws InterruptedException {
        if (what.equals("worker")) {
            stack.connect().kill();
            stack.connect().start();
        } else {
            stack.clickHouse().kill();
            Thread.sleep(random.nextInt(4000));
            stack.clickHouse().start();
        }
    }

    /** Runs writes, then {@code statements}, then writes to {@code table}; waits until equal; returns the result line. */
    private static String step(Workload w, String table, String... statements) {
        w.sql(statements);
        w.writes(table, 40);
        long start = System.nanoTime();
        awaitEqual(String.join("; ", statements));
        return "equal (" + rowsOf(table) + " rows of `" + table + "` compared, caught up in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)";
    }

    private static int rowsOf(String table) {
        return expected().getOrDefault(table, List.of()).size();
    }

    private static void awaitEqual(String what) {
        AwaitEqual.of(what + ": every source table equals ClickHouse FINAL", CATCH_UP,
                MigrationFuzzTest::expected, MigrationFuzzTest::actual)
                .diagnostics(() -> "\nsink status: " + stack.connect().rest().status(SINK).body()
                        + "\nDLQ records: " + dlqRecords())
                .await();
    }

    /** Source table → its rows (column=value, by the source's column names), sorted; tables with a key only. */
    private static Map<String, List<String>> expected() {
        Map<String, List<String>> tables = new TreeMap<>();
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            for (Map.Entry<String, List<String>> t : sourceColumns(s).entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT " + backquoted(t.getValue()) + " FROM " + DB + "." + t.getKey())) {
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 0; i < t.getValue().size(); i++) {
                            row.append(i == 0 ? "" : " ").append(t.getValue().get(i)).append('=')
                                    .append(normal(rs.getString(i + 1)));
                        }
                        rows.add(row.toString());
                    }
                }
                if (!rows.isEmpty()) {
                    rows.sort(null);
                    tables.put(t.getKey(), rows);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return tables;
    }

    /**
     * ClickHouse table → its live rows (FINAL, soft deletes removed) by the source's column names;
     * tables the source no longer has show all their columns, so a table left behind is a difference.
     */
    private static Map<String, List<String>> actual() throws SQLException {
        Map<String, List<String>> source;
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            source = sourceColumns(s);
        }
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : stack.clickHouse().query("SELECT name FROM system.tables WHERE database = '" + DB
                + "' ORDER BY name FORMAT TSVRaw").lines().toList()) {
            if (NOT_A_SOURCE_TABLE.matcher(table).matches() || keyless(table)) {
                continue;
            }
            List<String> columns = source.getOrDefault(table, List.of("*"));
            String header = columns.equals(List.of("*")) ? stack.clickHouse().query("SELECT name FROM system.columns"
                    + " WHERE database = '" + DB + "' AND table = '" + table + "' AND NOT startsWith(name, '_')"
                    + " ORDER BY position FORMAT TSVRaw") : String.join("\n", columns);
            List<String> names = header.lines().toList();
            List<String> rows = new ArrayList<>();
            String tsv = stack.clickHouse().query("SELECT " + names.stream().map(n -> "`" + n + "`")
                    .reduce((x, y) -> x + ", " + y).orElseThrow() + " FROM " + DB + ".`" + table
                    + "` FINAL WHERE _deleted = 0 FORMAT TSVRaw");
            for (String line : tsv.lines().toList()) {
                String[] values = line.split("\t", -1);
                StringBuilder row = new StringBuilder();
                for (int i = 0; i < names.size(); i++) {
                    row.append(i == 0 ? "" : " ").append(names.get(i)).append('=')
                            .append(normal("\\N".equals(values[i]) ? null : values[i]));
                }
                rows.add(row.toString());
            }
            if (!rows.isEmpty()) {
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }

    /** Tables with a primary key → their column names in order (a keyless table is a change log, checked apart). */
    private static Map<String, List<String>> sourceColumns(Statement s) throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        Set<String> keyed = new TreeSet<>();
        try (ResultSet rs = s.executeQuery("SELECT table_name, column_name, column_key FROM information_schema.columns"
                + " WHERE table_schema = '" + DB + "' ORDER BY table_name, ordinal_position")) {
            while (rs.next()) {
                tables.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
                if ("PRI".equals(rs.getString(3))) {
                    keyed.add(rs.getString(1));
                }
            }
        }
        tables.keySet().retainAll(keyed);
        return tables;
    }

    private static boolean keyless(String clickHouseTable) {
        return "_version".equals(stack.clickHouse().query("SELECT sorting_key FROM system.tables WHERE database = '"
                + DB + "' AND name = '" + clickHouseTable + "' FORMAT TSVRaw").strip());
    }

    /** One rendering for both sides: NULL, decimals without trailing zeros, datetimes without a zero fraction. */
    static String normal(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.matches("-?\\d+\\.\\d+")) {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        }
        if (value.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.0+")) {
            return value.substring(0, 19);
        }
        return value;
    }

    private static String backquoted(List<String> columns) {
        return String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
    }

    private static long dlqRecords() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(DLQ)) {
                return 0;
            }
            TopicPartition p = new TopicPartition(DLQ, 0);
            return admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random rows and migrations against the source's current schema (read from information_schema). */
    private static final class Workload {
        private final Random random;
        private int nextId = 1;
        private int nextName = 1;

        Workload(Random random) {
            this.random = random;
        }

        void create(String table, String columns) {
            sql("CREATE TABLE " + table + " (" + columns + ")");
        }

        void sql(String... statements) {
            SourceDatabase.transaction(stack.mariaDb(), prefixed(statements));
        }

        private static String[] prefixed(String... statements) {
            String[] out = new String[statements.length + 1];
            out[0] = "USE " + DB;
            System.arraycopy(statements, 0, out, 1, statements.length);
            return out;
        }

        /** {@code rows} inserts, then updates and deletes of some of them, in a few transactions. */
        void writes(String table, int rows) {
            List<Column> columns = columns(table);
            int first = nextId;
            for (int done = 0; done < rows; ) {
                int n = Math.min(rows - done, 1 + random.nextInt(20));
                sql(insert(table, columns, n));
                done += n;
            }
            sql(update(table, columns, first), update(table, columns, first));
            sql("DELETE FROM " + table + " WHERE id >= " + first + " AND id % 11 = " + random.nextInt(11));
        }

        /** {@code n} transactions of 1-4 statements on random tables. */
        void randomTransactions(int n) {
            for (int t = 0; t < n; t++) {
                List<String> statements = new ArrayList<>();
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    String table = randomTable("f");
                    List<Column> columns = columns(table);
                    statements.add(switch (random.nextInt(6)) {
                        case 0, 1, 2 -> insert(table, columns, 1 + random.nextInt(10));
                        case 3, 4 -> update(table, columns, 1);
                        default -> "DELETE FROM " + table + " WHERE id % 13 = " + random.nextInt(13) + " LIMIT "
                                + (1 + random.nextInt(3));
                    });
                }
                sql(statements.toArray(String[]::new));
            }
        }

        String randomTable(String prefix) {
            List<String> tables = new ArrayList<>();
            try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                         + DB + "' AND table_name LIKE '" + prefix + "%' ORDER BY table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return tables.get(random.nextInt(tables.size()));
        }

        /** One migration of {@code table}, as statements in the order an application runs them. */
        List<String> randomMigration(String table) {
            List<Column> columns = columns(table);
            List<Column> plain = columns.stream().filter(c -> !c.key).toList();
            Column some = plain.isEmpty() ? null : plain.get(random.nextInt(plain.size()));
            String fresh = "c" + nextName++;
            switch (random.nextInt(12)) {
                case 0:
                    return List.of("ALTER TABLE " + table + " ADD COLUMN " + fresh + " " + pick(
                            "INT NOT NULL DEFAULT " + random.nextInt(100), "VARCHAR(10) DEFAULT 'd" + random.nextInt(9) + "'",
                            "DECIMAL(8,3) NOT NULL DEFAULT 1.250", "DATE DEFAULT '2020-02-29'", "BIGINT NULL"));
                case 1:
                    if (some != null) {
                        return List.of("ALTER TABLE " + table + " RENAME COLUMN " + some.name + " TO " + fresh);
                    }
                    return randomMigration(table);
                case 2:
                    if (some != null) {
                        return List.of("ALTER TABLE " + table + " CHANGE COLUMN " + some.name + " " + fresh + " "
                                + some.columnType + (some.nullable ? " NULL" : " NOT NULL"));
                    }
                    return randomMigration(table);
                case 3:
                    if (plain.size() > 1) {
                        return List.of("ALTER TABLE " + table + " DROP COLUMN " + some.name);
                    }
                    return randomMigration(table);
                case 4, 5:
                    if (some != null && retype(some) != null) {
                        return List.of("ALTER TABLE " + table + " MODIFY COLUMN " + some.name + " " + retype(some));
                    }
                    return randomMigration(table);
                case 6:
                    return List.of("TRUNCATE TABLE " + table);
                case 7:
                    return List.of("RENAME TABLE " + table + " TO f" + fresh);
                case 8:
                    String next = "f" + fresh;
                    return List.of("CREATE TABLE " + next + " LIKE " + table,
                            "ALTER TABLE " + next + " ADD COLUMN g" + fresh + " INT NOT NULL DEFAULT 3",
                            "INSERT INTO " + next + " SELECT *, 4 FROM " + table,
                            "RENAME TABLE " + table + " TO " + next + "_old, " + next + " TO " + table,
                            "DROP TABLE " + next + "_old");
                case 9:
                    return List.of("DROP TABLE " + table, "CREATE TABLE " + table + " (id INT PRIMARY KEY, a "
                            + pick("INT", "VARCHAR(12)", "DATE") + ", " + fresh + " VARCHAR(20) NOT NULL DEFAULT 'r')");
                case 10:
                    Column intColumn = plain.stream().filter(c -> c.type.equals("int") && !c.nullable).findFirst().orElse(null);
                    if (intColumn != null && columns.stream().filter(c -> c.key).count() == 1) {
                        return List.of("ALTER TABLE " + table + " DROP PRIMARY KEY, ADD PRIMARY KEY (id, " + intColumn.name + ")");
                    }
                    return List.of("ALTER TABLE " + table + " ADD COLUMN " + fresh + " INT NOT NULL DEFAULT "
                            + random.nextInt(5));
                default:
                    return List.of("UPDATE " + table + " SET id = id + 1000000 WHERE id % 7 = " + random.nextInt(7)
                            + " AND id < 1000000");
            }
        }

        /** A type change MariaDB applies to this column's values without an error, or null. */
        private String retype(Column c) {
            String nullability = c.nullable ? " NULL" : " NOT NULL";
            return switch (c.type) {
                case "int" -> pick("BIGINT", "VARCHAR(20)") + nullability;
                case "bigint" -> "VARCHAR(24)" + nullability;
                case "varchar" -> "VARCHAR(60)" + pick(nullability, " NULL");
                case "decimal" -> pick("DECIMAL(20,4)", "DECIMAL(10,1)") + nullability;
                case "date" -> "DATETIME" + nullability;
                default -> null;
            };
        }

        private String insert(String table, List<Column> columns, int rows) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (" + backquoted(columns.stream()
                    .map(c -> c.name).toList()) + ") VALUES ");
            for (int r = 0; r < rows; r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int i = 0; i < columns.size(); i++) {
                    Column c = columns.get(i);
                    sql.append(i == 0 ? "" : ", ").append(c.name.equals("id") ? String.valueOf(nextId++) : value(c));
                }
                sql.append(')');
            }
            return sql.toString();
        }

        private String update(String table, List<Column> columns, int fromId) {
            List<Column> plain = columns.stream().filter(c -> !c.key).toList();
            if (plain.isEmpty()) {
                return "DO 0";
            }
            Column c = plain.get(random.nextInt(plain.size()));
            return "UPDATE " + table + " SET `" + c.name + "` = " + value(c) + " WHERE id >= " + fromId + " AND id % 4 = "
                    + random.nextInt(4);
        }

        private String value(Column c) {
            if (c.nullable && random.nextInt(8) == 0) {
                return "NULL";
            }
            return switch (c.type) {
                case "int", "bigint" -> String.valueOf(random.nextInt(200_000) - 100_000);
                case "varchar" -> "'" + (c.name.equals("v") ? String.valueOf(random.nextInt(1000))
                        : "s" + Integer.toString(random.nextInt(1 << 20), 36)) + "'";
                case "decimal" -> String.format(Locale.ROOT, "%d.%02d", random.nextInt(20_000) - 10_000, random.nextInt(100));
                case "date" -> "'" + LocalDate.of(1990, 1, 1).plusDays(random.nextInt(15_000)) + "'";
                case "datetime" -> "'" + LocalDate.of(2000, 1, 1).plusDays(random.nextInt(9_000)) + " "
                        + String.format(Locale.ROOT, "%02d:%02d:%02d", random.nextInt(24), random.nextInt(60), random.nextInt(60)) + "'";
                default -> throw new IllegalStateException("no values for " + c.type);
            };
        }

        @SafeVarargs
        private <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private static List<Column> columns(String table) {
            List<Column> columns = new ArrayList<>();
            try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT column_name, data_type, column_type, is_nullable, column_key"
                         + " FROM information_schema.columns WHERE table_schema = '" + DB + "' AND table_name = '"
                         + table + "' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3),
                            "YES".equals(rs.getString(4)), "PRI".equals(rs.getString(5))));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return columns;
        }
    }

    private record Column(String name, String type, String columnType, boolean nullable, boolean key) {
    }
}
