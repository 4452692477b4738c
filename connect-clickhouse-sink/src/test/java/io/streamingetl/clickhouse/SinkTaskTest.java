package io.streamingetl.clickhouse;

import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task against a real ClickHouse: types, upsert/delete, tables, evolution, routing, DLQ, metrics. */
class SinkTaskTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static final AtomicInteger NAMES = new AtomicInteger();

    static Map<String, String> props(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "sink-test-" + NAMES.incrementAndGet());
        p.put("clickhouse.url", stack.clickHouse().httpUrl());
        p.put("buffer.flush.interval.ms", "0");
        p.put("retry.backoff.ms", "20");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    static String q(String sql) {
        return stack.clickHouse().query(sql);
    }

    static SinkRecord rec(String topic, int partition, long offset, Schema keySchema, Object key, Schema schema,
                          Object value) {
        return new SinkRecord(topic, partition, keySchema, key, schema, value, offset);
    }

    @Test
    void everyTypeRoundTrips() {
        Schema decimal = Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build();
        Schema vsd = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
        Schema nested = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).field("y", Schema.STRING_SCHEMA)
                .optional().build();
        Schema schema = SchemaBuilder.struct().name("all")
                .field("id", Schema.INT64_SCHEMA)
                .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
                .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
                .field("i32", Schema.OPTIONAL_INT32_SCHEMA)
                .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("s", Schema.OPTIONAL_STRING_SCHEMA)
                .field("b", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("dec", decimal)
                .field("d", Date.builder().optional().build())
                .field("t", Time.builder().optional().build())
                .field("ts", Timestamp.builder().optional().build())
                .field("mts", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
                .field("dbz_date", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
                .field("mtime", SchemaBuilder.int64().name("io.debezium.time.MicroTime").optional().build())
                .field("uuid", SchemaBuilder.string().name("io.debezium.data.Uuid").optional().build())
                .field("js", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
                .field("zts", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
                .field("arr", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
                .field("arr_s", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                .field("m", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).optional().build())
                .field("st", nested)
                .field("vsd", vsd)
                .build();
        Struct full = new Struct(schema)
                .put("id", 1L).put("i8", (byte) -8).put("i16", (short) -16).put("i32", -32)
                .put("f32", 1.5f).put("f64", 2.25d).put("flag", true).put("s", "héllo 🚀")
                .put("b", "bytes".getBytes(StandardCharsets.UTF_8))
                .put("dec", new BigDecimal("12345678.90"))
                .put("d", new java.util.Date(19_000L * 86_400_000L))
                .put("t", new java.util.Date(3_723_004L))
                .put("ts", new java.util.Date(1_700_000_000_123L))
                .put("mts", 1_700_000_000_123_456L)
                .put("dbz_date", -365)
                .put("mtime", 45_296_000_001L)
                .put("uuid", "123e4567-e89b-12d3-a456-426614174000")
                .put("js", "{\"a\":1}")
                .put("zts", "2024-01-02T03:04:05.678+02:00")
                .put("arr", List.of(1, 2, 3))
                .put("arr_s", java.util.Arrays.asList("a", null))
                .put("m", new LinkedHashMap<>(Map.of("k", 7L)))
                .put("st", new Struct(nested).put("x", 5).put("y", "why"))
                .put("vsd", new Struct(vsd).put("scale", 3).put("value", new BigInteger("123456").toByteArray()));
        Struct empty = new Struct(schema).put("id", 2L);

        try (TaskRun run = new TaskRun(props("table.name.template", "all_types", "database.name.template", ""), false, new TopicPartition("types", 0))) {
            run.put(rec("types", 0, 0, null, null, schema, full), rec("types", 0, 1, null, null, schema, empty));
            assertEquals(2, run.committed(new TopicPartition("types", 0)));
        }
        String types = q("SELECT name, type FROM system.columns WHERE database = 'default' AND table = 'all_types' "
                + "ORDER BY position");
        for (String expected : List.of("id\tInt64", "i8\tNullable(Int8)", "dec\tNullable(Decimal(10, 2))",
                "d\tNullable(Date32)", "ts\tNullable(DateTime64(3, \\'UTC\\'))", "mts\tNullable(DateTime64(6, \\'UTC\\'))",
                "uuid\tNullable(UUID)", "arr\tArray(Int32)", "arr_s\tArray(Nullable(String))", "m\tMap(String, Int64)",
                "t\tNullable(Int32)", "mtime\tNullable(Time64(6))", "flag\tNullable(Bool)")) {
            assertTrue(types.contains(expected + "\n"), "column " + expected + " in\n" + types);
        }
        assertEquals("1\t-8\t-16\t-32\t1.5\t2.25\ttrue\théllo 🚀\tbytes\t12345678.9\t2022-01-08\t3723004\t"
                        + "2023-11-14 22:13:20.123\t2023-11-14 22:13:20.123456\t1969-01-01\t12:34:56.000001\t"
                        + "123e4567-e89b-12d3-a456-426614174000\t{\"a\":1}\t2024-01-02T03:04:05.678+02:00\t[1,2,3]\t"
                        + "['a',NULL]\t{'k':7}\t{\"x\":5,\"y\":\"why\"}\t123.456\n"
                        + "2\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t[]\t[]\t{}\t\\N\t\\N\n",
                q("SELECT * FROM all_types ORDER BY id"));
    }

    static Schema cdcSchema() {
        return SchemaBuilder.struct().name("person")
                .field("id", Schema.INT64_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("_op", Schema.STRING_SCHEMA).field("_version", Schema.INT64_SCHEMA)
                .field("_deleted", Schema.INT8_SCHEMA).build();
    }

    static final Schema KEY = SchemaBuilder.struct().name("key").field("id", Schema.INT64_SCHEMA).build();

    static SinkRecord cdc(String topic, long offset, long id, String name, String op, long version, int deleted) {
        Schema s = cdcSchema();
        return rec(topic, 0, offset, KEY, new Struct(KEY).put("id", id), s, new Struct(s).put("id", id)
                .put("name", name).put("_op", op).put("_version", version).put("_deleted", (byte) deleted));
    }

    @Test
    void upsertThenDeleteVisibleWithFinal() {
        String topic = "dbserver.cdc_db.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (TaskRun run = new TaskRun(props(), false, tp)) {
            run.put(cdc(topic, 0, 1, "ann", "r", 10, 0), cdc(topic, 1, 2, "bob", "r", 11, 0));
            run.put(cdc(topic, 2, 1, "anna", "u", 20, 0), cdc(topic, 3, 2, "bob", "d", 21, 1));
            assertEquals(4, run.committed(tp));
        }
        assertTrue(q("SELECT engine_full FROM system.tables WHERE database = 'cdc_db' AND name = 'person'")
                .startsWith("ReplacingMergeTree(_version, _deleted) ORDER BY id"));
        assertEquals("1\tanna\n", q("SELECT id, name FROM cdc_db.person FINAL ORDER BY id"));
        assertEquals("_version\tUInt64\n_deleted\tUInt8\n", q("SELECT name, type FROM system.columns WHERE "
                + "database = 'cdc_db' AND table = 'person' AND name IN ('_version', '_deleted') ORDER BY position"));
    }

    /** With the cleanup option, a row whose newest version is a delete leaves the disk, not only FINAL. */
    @Test
    void deletedRowsAreRemovedPhysicallyByCleanupMerges() {
        String topic = "dbserver.cleanup_db.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (TaskRun run = new TaskRun(props("table.deleted.cleanup.after.seconds", "1"), false, tp)) {
            run.put(cdc(topic, 0, 1, "ann", "c", 10, 0), cdc(topic, 1, 2, "bob", "c", 11, 0));
            run.put(cdc(topic, 2, 2, "bob", "d", 12, 1));
            assertEquals(3, run.committed(tp));
        }
        assertEquals("3\n", q("SELECT count() FROM cleanup_db.person"), "before: every version on disk");
        long start = System.nanoTime();
        io.streamingetl.localstack.Wait.until("the cleanup merge", java.time.Duration.ofSeconds(90),
                () -> q("SELECT count() FROM cleanup_db.person").equals("1\n"));
        System.out.printf("cleanup merge removed the deleted row %.1f s after the last insert%n",
                (System.nanoTime() - start) / 1e9);
        assertEquals("1\tann\n", q("SELECT id, name FROM cleanup_db.person"), "only the live row is left on disk");
        assertTrue(q("SELECT engine_full FROM system.tables WHERE database = 'cleanup_db' AND name = 'person'")
                .contains("min_age_to_force_merge_seconds = 1"));
    }

    /** A CDC record without key fields would create ORDER BY tuple(): refused, naming what to do. */
    @Test
    void cdcTableWithoutAKeyIsAChangeLogOrRefused() {
        String topic = "dbserver.nokey_db.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        Schema s = cdcSchema();
        SinkRecord keyless = rec(topic, 0, 0, null, null, s, new Struct(s).put("id", 1L).put("name", "ann")
                .put("_op", "c").put("_version", 10L).put("_deleted", (byte) 0));
        SinkRecord again = rec(topic, 0, 1, null, null, s, new Struct(s).put("id", 1L).put("name", "ann")
                .put("_op", "c").put("_version", 11L).put("_deleted", (byte) 0));
        try (TaskRun run = new TaskRun(props("errors.tolerance", "all"), true, tp)) {
            run.put(keyless, again);
            run.commit();
            assertEquals(0, run.context.errant.size());
        }
        assertEquals("MergeTree\t_version\n", q("SELECT engine, sorting_key FROM system.tables WHERE database = 'nokey_db'"
                + " AND name = 'person'"));
        assertEquals("1\tann\t10\n1\tann\t11\n", q("SELECT id, name, _version FROM nokey_db.person ORDER BY _version"),
                "every change once: nothing tells two rows of a keyless table apart");
        q("DROP TABLE nokey_db.person");

        try (TaskRun run = new TaskRun(props("errors.tolerance", "all", "table.keyless", "error"), true, tp)) {
            run.put(keyless);
            assertEquals(1, run.context.errant.size());
            assertTrue(run.context.errantCauses.get(0).getMessage().contains("no sorting key")
                    && run.context.errantCauses.get(0).getMessage().contains("table.order.by"),
                    run.context.errantCauses.get(0).getMessage());
        }
        assertEquals("0\n", q("EXISTS TABLE nokey_db.person"));
    }

    @Test
    void autoCreateAndEvolutionMidStream() {
        TopicPartition tp = new TopicPartition("evolve", 0);
        Schema v1 = SchemaBuilder.struct().name("v1").field("id", Schema.INT64_SCHEMA).field("a", Schema.INT32_SCHEMA)
                .build();
        Schema v2 = SchemaBuilder.struct().name("v2").field("id", Schema.INT64_SCHEMA).field("a", Schema.INT32_SCHEMA)
                .field("b", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema v3 = SchemaBuilder.struct().name("v3").field("id", Schema.INT64_SCHEMA)
                .field("b", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema bad = SchemaBuilder.struct().name("v4").field("id", Schema.INT64_SCHEMA)
                .field("a", Schema.STRING_SCHEMA).build();
        try (TaskRun run = new TaskRun(props("table.name.template", "${topic}_t"), false, tp)) {
            run.put(rec("evolve", 0, 0, KEY, new Struct(KEY).put("id", 1L), v1, new Struct(v1).put("id", 1L).put("a", 10)),
                    rec("evolve", 0, 1, KEY, new Struct(KEY).put("id", 2L), v2,
                            new Struct(v2).put("id", 2L).put("a", 20).put("b", "new")),
                    rec("evolve", 0, 2, KEY, new Struct(KEY).put("id", 3L), v3, new Struct(v3).put("id", 3L).put("b", "no a")));
            assertEquals(3, run.committed(tp));
            assertEquals("id\tInt64\na\tInt32\nb\tNullable(String)\n",
                    q("SELECT name, type FROM system.columns WHERE table = 'evolve_t' ORDER BY position"));
            assertEquals("1\t10\t\\N\n2\t20\tnew\n3\t0\tno a\n", q("SELECT * FROM evolve_t ORDER BY id"));
            String key = q("SELECT sorting_key FROM system.tables WHERE name = 'evolve_t'");
            assertEquals("id\n", key);

            DataException e = assertThrows(DataException.class, () -> run.put(rec("evolve", 0, 3, null, null, bad,
                    new Struct(bad).put("id", 4L).put("a", "text"))));
            for (String part : List.of("topic evolve", "partition 0", "offset 3", "'a'", "String", "Int32")) {
                assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
            }
        }
    }

    /**
     * A column retyped under a cached plan to a type of the same width (Int32 -> UInt32) must not
     * be misread: the server checks the insert's header (RowBinaryWithNamesAndTypes), or the sink
     * checks system.columns first (RowBinaryWithDefaults); the plan is rebuilt and the records
     * come again, so 7 lands as 7 and -2 goes to the DLQ instead of landing as 4294967294.
     */
    @Test
    void aColumnRetypedUnderTheSinkIsReplannedNotMisread() {
        Schema required = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("amount", Schema.INT32_SCHEMA).build();
        Schema optional = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("amount", Schema.OPTIONAL_INT32_SCHEMA).build();
        // Created by the sink: a typed header. Created by hand with a DEFAULT and fed optional values: no header.
        q("CREATE TABLE retyped_defaults (id Int64, amount Int32 DEFAULT 42) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 1000");
        for (var c : List.of(Map.entry("retyped", required), Map.entry("retyped_defaults", optional))) {
            String table = c.getKey();
            Schema s = c.getValue();
            TopicPartition tp = new TopicPartition(table, 0);
            try (TaskRun run = new TaskRun(props("errors.tolerance", "all"), true, tp)) {
                run.put(rec(table, 0, 0, null, null, s, new Struct(s).put("id", 1L).put("amount", s == optional ? null : 1)));
                q("ALTER TABLE " + table + " MODIFY COLUMN amount UInt32" + (s == optional ? " DEFAULT 42" : ""));
                putRedelivering(run, List.of(
                        rec(table, 0, 1, null, null, s, new Struct(s).put("id", 2L).put("amount", 7)),
                        rec(table, 0, 2, null, null, s, new Struct(s).put("id", 3L).put("amount", -2))));
                assertEquals(3, run.committed(tp), table);
                assertEquals((s == optional ? "1\t42\n" : "1\t1\n") + "2\t7\n", q("SELECT id, amount FROM " + table + " ORDER BY id"),
                        table);
                assertEquals(List.of(2L), run.context.errant.stream().map(SinkRecord::kafkaOffset).toList(), table);
                String why = run.context.errantCauses.get(0).getMessage();
                assertTrue(why.contains("'amount'") && why.contains("UInt32"), why);
            }
        }
    }

    /** put(), then deliver again from wherever the task rewound its partition, as the worker's consumer does. */
    private static void putRedelivering(TaskRun run, List<SinkRecord> records) {
        run.context.seeks.clear();
        run.put(records);
        for (int i = 0; i < 3 && !run.context.seeks.isEmpty(); i++) {
            long from = run.context.seeks.values().iterator().next();
            run.context.seeks.clear();
            run.put(records.stream().filter(r -> r.kafkaOffset() >= from).toList());
        }
    }

    @Test
    void routesByMetadataFieldsTopicSegmentsAndMap() {
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("_db", Schema.STRING_SCHEMA)
                .field("_table", Schema.STRING_SCHEMA).build();
        Schema plain = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        TopicPartition all = new TopicPartition("all_tables", 0);
        TopicPartition seg = new TopicPartition("srv.seg_db.orders", 0);
        TopicPartition mapped = new TopicPartition("legacy", 0);
        try (TaskRun run = new TaskRun(props("database.name.template", "${db}", "topic.table.map",
                "legacy:mapped_db.legacy_rows"), false, all, seg, mapped)) {
            q("CREATE DATABASE IF NOT EXISTS mapped_db");
            run.put(rec("all_tables", 0, 0, null, null, s, new Struct(s).put("id", 1L).put("_db", "route_a").put("_table", "t1")),
                    rec("all_tables", 0, 1, null, null, s, new Struct(s).put("id", 2L).put("_db", "route_b").put("_table", "t2")),
                    rec("srv.seg_db.orders", 0, 0, null, null, plain, new Struct(plain).put("id", 3L)),
                    rec("legacy", 0, 0, null, null, plain, new Struct(plain).put("id", 4L)));
            assertEquals(2, run.committed(all));
        }
        assertEquals("1\n", q("SELECT id FROM route_a.t1"));
        assertEquals("2\n", q("SELECT id FROM route_b.t2"));
        assertEquals("3\n", q("SELECT id FROM seg_db.orders"));
        assertEquals("4\n", q("SELECT id FROM mapped_db.legacy_rows"));
    }

    @Test
    void existingTableWithOtherColumnOrderAndSchemalessRecords() {
        q("CREATE TABLE existing (b String, extra String DEFAULT 'dflt', n Nullable(Int64), id UInt64, "
                + "ts DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100");
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("b", Schema.STRING_SCHEMA)
                .field("ts", Timestamp.SCHEMA).build();
        TopicPartition withSchema = new TopicPartition("existing", 0);
        TopicPartition schemaless = new TopicPartition("existing", 1);
        try (TaskRun run = new TaskRun(props(), false, withSchema, schemaless)) {
            run.put(rec("existing", 0, 0, null, null, s,
                    new Struct(s).put("id", 1L).put("b", "struct").put("ts", new java.util.Date(1000))));
            Map<String, Object> m = new HashMap<>();
            m.put("id", 2L);
            m.put("b", "map");
            m.put("n", 42);
            m.put("ts", "2024-05-06T07:08:09.010Z");
            m.put("unknown", "ignored");
            Map<String, Object> sparse = new HashMap<>(Map.of("id", 3L));
            run.put(new SinkRecord("existing", 1, null, null, null, m, 0),
                    new SinkRecord("existing", 1, null, null, null, sparse, 1));
            assertEquals(2, run.committed(schemaless));
        }
        assertEquals("struct\tdflt\t\\N\t1\t1970-01-01 00:00:01.000\n"
                        + "map\tdflt\t42\t2\t2024-05-06 07:08:09.010\n"
                        + "\tdflt\t\\N\t3\t1970-01-01 00:00:00.000\n",
                q("SELECT * FROM existing ORDER BY id"));
    }

    @Test
    void badRecordsGoToDlqAndGoodOnesAroundThemAreWritten() {
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("u", SchemaBuilder.string().name("io.debezium.data.Uuid").build()).build();
        TopicPartition tp = new TopicPartition("dlq", 0);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String u = i == 4 || i == 7 ? "not-a-uuid" : "00000000-0000-0000-0000-00000000000" + i;
            batch.add(rec("dlq", 0, i, null, null, s, new Struct(s).put("id", (long) i).put("u", u)));
        }
        try (TaskRun run = new TaskRun(props("errors.tolerance", "all"), true, tp)) {
            run.put(batch);
            assertEquals(10, run.committed(tp));
            assertEquals(List.of(4L, 7L), run.context.errant.stream().map(SinkRecord::kafkaOffset).toList());
            assertTrue(run.context.errantCauses.get(0).getMessage().contains("'u'"));
        }
        assertEquals("8\t0,1,2,3,5,6,8,9\n", q("SELECT count(), arrayStringConcat(arraySort(groupArray(toString(id))), ',') FROM dlq"));

        try (TaskRun strict = new TaskRun(props("table.name.template", "dlq_strict"), true, tp)) {
            DataException e = assertThrows(DataException.class, () -> strict.put(batch));
            for (String part : List.of("topic dlq", "partition 0", "offset 4", "field 'u'")) {
                assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
            }
            assertTrue(strict.context.errant.isEmpty());
        }
    }

    /** table.json.type=JSON: MySQL JSON text and nested structs land in ClickHouse JSON columns, paths queryable. */
    @Test
    void jsonTextAndStructsIntoJsonColumns() {
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").optional()
                .field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("js", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
                .field("p", point).build();
        TopicPartition tp = new TopicPartition("json_cols", 0);
        try (TaskRun run = new TaskRun(props("table.json.type", "JSON", "order.by", "id"), false, tp)) {
            run.put(rec("json_cols", 0, 0, null, null, s, new Struct(s).put("id", 1L)
                            .put("js", "{\"a\": 1, \"b\": [true, null, \"x\"], \"c\": {\"d\": 2.5, \"e\": \"Grüße 🚀\"}}")
                            .put("p", new Struct(point).put("x", 13.405).put("y", 52.52))),
                    rec("json_cols", 0, 1, null, null, s, new Struct(s).put("id", 2L)));
            assertEquals(2, run.committed(tp));
        }
        assertEquals("js\tJSON\np\tJSON\n", q("SELECT name, type FROM system.columns WHERE table = 'json_cols'"
                + " AND name IN ('js', 'p') ORDER BY name"));
        assertEquals("1\t1\t2.5\tGrüße 🚀\t13.405\n2\t\\N\t\\N\t\\N\t\\N\n",
                q("SELECT id, js.a, js.c.d, js.c.e, p.x FROM json_cols ORDER BY id"), "a NULL lands as the empty object {}");
    }

    /** A null in a sorting-key column is refused, not stored as the default that would merge such rows into one. */
    @Test
    void aNullSortKeyGoesToTheDlqInsteadOfBecomingTheDefault() {
        q("CREATE TABLE nullkey (k Int64, v String) ENGINE = ReplacingMergeTree ORDER BY k"
                + " SETTINGS non_replicated_deduplication_window = 100");
        Schema s = SchemaBuilder.struct().field("k", Schema.OPTIONAL_INT64_SCHEMA).field("v", Schema.STRING_SCHEMA).build();
        TopicPartition withSchema = new TopicPartition("nullkey", 0);
        TopicPartition schemaless = new TopicPartition("nullkey", 1);
        try (TaskRun run = new TaskRun(props("errors.tolerance", "all"), true, withSchema, schemaless)) {
            run.put(rec("nullkey", 0, 0, null, null, s, new Struct(s).put("k", 1L).put("v", "a")),
                    rec("nullkey", 0, 1, null, null, s, new Struct(s).put("v", "b")),
                    rec("nullkey", 0, 2, null, null, s, new Struct(s).put("v", "c")),
                    rec("nullkey", 0, 3, null, null, s, new Struct(s).put("k", 2L).put("v", "d")),
                    new SinkRecord("nullkey", 1, null, null, null, new HashMap<>(Map.of("v", "e")), 0));
            assertEquals(4, run.committed(withSchema));
            assertEquals(List.of(1L, 2L, 0L), run.context.errant.stream().map(SinkRecord::kafkaOffset).toList());
            String why = run.context.errantCauses.get(0).getMessage();
            assertTrue(why.contains("null in sorting-key column") && why.contains("'k'"), why);
        }
        assertEquals("1\ta\n2\td\n", q("SELECT k, v FROM nullkey FINAL ORDER BY k"));
    }

    @Test
    void autoCreateOffFailsClearly() {
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        TopicPartition tp = new TopicPartition("nocreate", 0);
        try (TaskRun run = new TaskRun(props("auto.create", "false"), false, tp)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> run.put(rec("nocreate", 0, 0, null, null, s, new Struct(s).put("id", 1L))));
            assertTrue(e.getMessage().contains("auto.create=false"), e.getMessage());
        }
    }

    @Test
    void jmxMetricsMove() throws Exception {
        Schema s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        TopicPartition tp = new TopicPartition("metered", 0);
        Map<String, String> p = props();
        try (TaskRun run = new TaskRun(p, false, tp)) {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName task = new ObjectName("io.streamingetl.clickhouse:type=clickhouse-sink-task,connector="
                    + p.get("name") + ",task=0");
            ObjectName table = new ObjectName("io.streamingetl.clickhouse:type=clickhouse-sink-table,connector="
                    + p.get("name") + ",task=0,table=default.metered");
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(rec("metered", 0, i, null, null, s, new Struct(s).put("id", (long) i)));
            }
            run.put(batch);
            assertEquals(25.0, (Double) mbs.getAttribute(task, "records-received-total"));
            assertEquals(25.0, (Double) mbs.getAttribute(table, "rows-written-total"));
            assertEquals(1.0, (Double) mbs.getAttribute(table, "batches-total"));
            assertTrue((Double) mbs.getAttribute(table, "bytes-written-total") >= 25 * 8);
            assertTrue((Double) mbs.getAttribute(table, "insert-latency-max-ms") > 0);
            assertEquals(0L, mbs.getAttribute(task, "buffer-bytes"));
        }
    }

}
