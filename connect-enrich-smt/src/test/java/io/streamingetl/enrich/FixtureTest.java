package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.streamingetl.enrich.Fixtures.Fixture;

/**
 * The transform over the real Debezium MariaDB records (fixtures captured by the lead from the
 * connector, read back through JsonConverter). Expected values come from the SQL that produced
 * them (integration-tests/src/test/resources/fixtures/fixtures-schema.sql).
 */
class FixtureTest {

    static final List<String> META = List.of("_op", "_ts_ms", "_db", "_table", "_deleted", "_version");
    /** Default options. */
    static final Map<String, String> DEFAULTS = Map.of();

    static List<Fixture> schemad;
    static List<Fixture> schemaless;

    @BeforeAll
    static void load() {
        schemad = Fixtures.withSchemas();
        schemaless = Fixtures.withoutSchemas();
        assertEquals(schemad.stream().map(f -> f.label).collect(Collectors.toList()),
                schemaless.stream().map(f -> f.label).collect(Collectors.toList()), "both files hold the same records");
    }

    static CdcEnrich.Value<SinkRecord> value(Map<String, String> props) {
        CdcEnrich.Value<SinkRecord> t = new CdcEnrich.Value<>();
        t.configure(props);
        return t;
    }

    static Fixture fixture(List<Fixture> list, String label) {
        return list.stream().filter(f -> f.label.equals(label)).findFirst().orElseThrow(() -> new AssertionError(label));
    }

    static Struct row(String label) {
        SinkRecord out = value(DEFAULTS).apply(fixture(schemad, label).record());
        assertNotNull(out, label);
        Struct s = (Struct) out.value();
        s.validate();
        return s;
    }

    static boolean isData(Fixture f) {
        return Set.of("c", "r", "u", "d").contains(f.op());
    }

    // ---------------------------------------------------------------- ops

    @Test
    void everyOpGivesTheRightImageAndMetadata() {
        CdcEnrich.Value<SinkRecord> t = value(DEFAULTS);
        int rows = 0;
        for (Fixture f : schemad) {
            if (!isData(f)) {
                continue;
            }
            Struct env = (Struct) f.value.value();
            SinkRecord out = t.apply(f.record());
            Struct row = (Struct) out.value();
            row.validate();
            boolean delete = f.op().equals("d");
            Struct image = env.getStruct(delete ? "before" : "after");
            assertEquals(image.getInt32("id"), row.get("id"), f.label);
            assertEquals(f.op(), row.get("_op"), f.label);
            assertEquals((byte) (delete ? 1 : 0), row.get("_deleted"), f.label);
            assertEquals("fixtures_db", row.get("_db"), f.label);
            assertEquals(f.table(), row.get("_table"), f.label);
            assertEquals(env.getStruct("source").getInt64("ts_ms"), row.get("_ts_ms"), f.label);
            assertTrue(row.getInt64("_version") >= 0, f.label);
            assertEquals(META, out.valueSchema().fields().stream().skip(out.valueSchema().fields().size() - 6)
                    .map(Field::name).collect(Collectors.toList()), "metadata after the data columns");
            assertEquals(image.schema().name(), out.valueSchema().name(), "the row schema's name is kept");
            assertSame(f.key.value(), out.key(), "key kept as is by default");
            rows++;
        }
        assertTrue(rows >= 20, "fixtures hold c/r/u/d records: " + rows);
    }

    @Test
    void tombstonesDroppedByDefaultOrKept() {
        List<Fixture> tombstones = schemad.stream().filter(f -> f.op().equals("tombstone")).collect(Collectors.toList());
        assertFalse(tombstones.isEmpty());
        for (Fixture f : tombstones) {
            assertNull(value(Map.of()).apply(f.record()), f.label);
            SinkRecord kept = value(Map.of("tombstones", "keep")).apply(f.record());
            assertNull(kept.value());
            assertEquals(f.key.value(), kept.key());
        }
    }

    @Test
    void deleteModes() {
        Fixture d = fixture(schemad, "person/d/1");
        Struct before = ((Struct) d.value.value()).getStruct("before");

        Struct soft = (Struct) value(DEFAULTS).apply(d.record()).value();
        assertEquals(before.getString("last_name"), soft.get("last_name"));
        assertEquals((byte) 1, soft.get("_deleted"));

        SinkRecord tomb = value(Map.of("delete.mode", "tombstone")).apply(d.record());
        assertNull(tomb.value());
        assertNull(tomb.valueSchema());
        assertEquals(d.key.value(), tomb.key());

        assertNull(value(Map.of("delete.mode", "drop")).apply(d.record()));

        // schemaless takes the same path
        Fixture dl = fixture(schemaless, "person/d/1");
        assertEquals((byte) 1, ((Map<?, ?>) value(DEFAULTS).apply(dl.record()).value()).get("_deleted"));
        assertNull(value(Map.of("delete.mode", "tombstone")).apply(dl.record()).value());
        assertNull(value(Map.of("delete.mode", "drop")).apply(dl.record()));
    }

    @Test
    void truncateDroppedOrPassedThrough() {
        // No truncate was captured: derive one from a real envelope (op t has neither image).
        Fixture f = fixture(schemad, "person/c/1");
        Struct env = (Struct) f.value.value();
        Struct t = new Struct(env.schema()).put("source", env.get("source")).put("op", "t").put("ts_ms", env.get("ts_ms"));
        SinkRecord truncate = new SinkRecord(f.topic, 0, f.key.schema(), null, env.schema(), t, 99);
        assertNull(value(Map.of()).apply(truncate));
        assertSame(truncate, value(Map.of("truncate.mode", "passthrough")).apply(truncate));
    }

    @Test
    void notAnEnvelopePassesUnchanged() {
        List<Fixture> changes = new ArrayList<>();
        changes.addAll(schemad.stream().filter(f -> f.label.startsWith("schema_change/")).collect(Collectors.toList()));
        changes.addAll(schemaless.stream().filter(f -> f.label.startsWith("schema_change/")).collect(Collectors.toList()));
        assertTrue(changes.size() >= 2);
        CdcEnrich.Value<SinkRecord> t = value(Map.of("key.flatten", "true"));
        for (Fixture f : changes) {
            SinkRecord r = f.record();
            assertSame(r, t.apply(r), f.label);
        }
        // an already flat row (our own output) passes too
        SinkRecord flat = value(DEFAULTS).apply(fixture(schemad, "person/c/1").record());
        assertSame(flat, value(DEFAULTS).apply(flat));
    }

    @Test
    void keyFlattenOption() {
        Fixture f = fixture(schemad, "all_types/c/1");
        SinkRecord out = value(Map.of("key.flatten", "true")).apply(f.record());
        assertEquals(((Struct) f.key.value()).getInt32("id"), ((Struct) out.key()).get("id"));
        assertEquals(f.key.schema().fields().stream().map(Field::name).collect(Collectors.toList()),
                out.keySchema().fields().stream().map(Field::name).collect(Collectors.toList()));
        SinkRecord key = new CdcEnrich.Key<SinkRecord>() {{ configure(Map.of()); }}.apply(f.record());
        assertEquals(out.key(), key.key());
        assertSame(f.value.value(), key.value());
    }

    // ---------------------------------------------------------------- types

    @Test
    void everyColumnTypeOfAllTypes() {
        Struct r = row("all_types/r/1");
        Schema s = r.schema();
        LocalDateTime wall = LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000);
        long micros = wall.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + 123_456;

        assertEquals((short) -128, r.get("c_tinyint"));
        assertEquals((short) 255, r.get("c_tinyint_u"));
        assertEquals(65535, r.get("c_smallint_u"));
        assertEquals(16777215, r.get("c_mediumint_u"));
        assertEquals(-2147483648, r.get("c_int"));
        assertEquals(4294967295L, r.get("c_int_u"));
        assertEquals(Long.MIN_VALUE, r.get("c_bigint"));
        assertEquals(-1L, r.get("c_bigint_u"), "BIGINT UNSIGNED max arrives as a wrapped long (bigint.unsigned.handling.mode=long)");

        assertEquals(Decimal.LOGICAL_NAME, s.field("c_decimal").schema().name());
        assertEquals("12", s.field("c_decimal").schema().parameters().get("connect.decimal.precision"));
        assertEquals(new BigDecimal("-1234567890.12"), r.get("c_decimal"));
        assertEquals(new BigDecimal("1234567890123456789012345678.0123456789"), r.get("c_decimal_wide"));
        assertEquals(3.25f, r.get("c_float"));
        assertEquals(-2.5e-300, r.get("c_double"));
        assertEquals((short) 1, r.get("c_bool"));
        assertEquals(true, r.get("c_bit1"));
        assertEquals(Schema.Type.INT64, s.field("c_bit10").schema().type());
        assertEquals(0b1010101010L, r.get("c_bit10"));
        assertEquals("10", s.field("c_bit10").schema().parameters().get(LogicalTypes.BITS_PARAM));

        assertEquals(org.apache.kafka.connect.data.Date.LOGICAL_NAME, s.field("c_date").schema().name());
        assertEquals(java.util.Date.from(LocalDate.of(2024, 2, 29).atStartOfDay(ZoneOffset.UTC).toInstant()), r.get("c_date"));
        long ms = wall.toEpochSecond(ZoneOffset.UTC) * 1000L;
        long[] expectMs = {ms, ms + 100, ms + 120, ms + 123};
        for (int p = 0; p <= 3; p++) {
            assertEquals(Timestamp.LOGICAL_NAME, s.field("c_datetime" + p).schema().name());
            assertEquals(new java.util.Date(expectMs[p]), r.get("c_datetime" + p), "DATETIME(" + p + ")");
        }
        long[] expectMicros = {micros - 56, micros - 6, micros};
        for (int p = 4; p <= 6; p++) {
            assertEquals(LogicalTypes.DBZ_MICRO_TIMESTAMP, s.field("c_datetime" + p).schema().name());
            assertEquals(expectMicros[p - 4], r.get("c_datetime" + p), "DATETIME(" + p + ")");
        }
        assertEquals(LogicalTypes.DBZ_MICRO_TIMESTAMP, s.field("c_timestamp6").schema().name());
        assertEquals(Schema.Type.INT64, s.field("c_timestamp6").schema().type());
        assertEquals(micros, r.get("c_timestamp6"), "TIMESTAMP(6) keeps its microseconds");
        assertEquals(LogicalTypes.DBZ_MICRO_TIME, s.field("c_time").schema().name());
        assertEquals(-((838L * 3600 + 59 * 60 + 59) * 1_000_000L), r.get("c_time"), "TIME -838:59:59");
        assertEquals(86_399_999_999L, r.get("c_time6"));
        assertEquals(LogicalTypes.DBZ_YEAR, s.field("c_year").schema().name());
        assertEquals(2024, r.get("c_year"));

        assertEquals("char", r.get("c_char"));
        assertEquals("Grüße, 世界 🚀", r.get("c_varchar"));
        assertEquals("text with\nnewline and \"quotes\"", r.get("c_text"));
        assertArrayEquals(new byte[] {0x00, (byte) 0xFF, 0x10}, (byte[]) r.get("c_blob"));
        assertArrayEquals(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF}, (byte[]) r.get("c_binary"));
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, (byte[]) r.get("c_varbinary"));
        assertTrue(((String) r.get("c_json")).contains("\"c\": {\"d\": 2.5}"));
        assertEquals("medium", r.get("c_enum"));
        assertEquals("small,medium,large", s.field("c_enum").schema().parameters().get("allowed"));
        assertEquals("red,blue", r.get("c_set"));

        // GEOMETRY/POINT structs flatten into their parts
        assertEquals(Schema.Type.BYTES, s.field("c_geometry_wkb").schema().type());
        assertNotNull(r.get("c_geometry_wkb"));
        assertNull(r.get("c_geometry_srid"));
        assertEquals(13.405, r.get("c_point_x"));
        assertEquals(52.52, r.get("c_point_y"));
        assertNotNull(r.get("c_point_wkb"));
        assertNull(s.field("c_geometry"));
        assertNull(s.field("c_point"));
    }

    @Test
    void nullRowGivesNullEverywhereIncludingChildrenOfNullParents() {
        Struct r = row("all_types/r/2");
        for (Field f : r.schema().fields()) {
            if (!f.name().equals("id") && !f.name().startsWith("_")) {
                assertNull(r.get(f), f.name());
                assertTrue(f.schema().isOptional(), f.name());
            }
        }
        assertTrue(r.schema().field("c_point_x").schema().isOptional(), "x is required inside POINT, optional flat");
        assertNull(r.get("c_point_x"));
        assertNull(r.get("c_geometry_wkb"));
    }

    @Test
    void timestampWithMillisecondsOfPerson() {
        Fixture f = fixture(schemad, "person/r/1");
        String iso = ((Struct) f.value.value()).getStruct("after").getString("updated_at");
        Struct r = row("person/r/1");
        Instant i = Instant.parse(iso);
        assertEquals(i.getEpochSecond() * 1_000_000L + i.getNano() / 1000, r.get("updated_at"));
        assertEquals(java.util.Date.from(LocalDate.of(1815, 12, 10).atStartOfDay(ZoneOffset.UTC).toInstant()),
                r.get("birth_date"));
    }

    // ---------------------------------------------------------------- schema'd vs schemaless

    @Test
    void schemaAndSchemalessGiveTheSameRows() {
        CdcEnrich.Value<SinkRecord> ts = value(DEFAULTS);
        CdcEnrich.Value<SinkRecord> tl = value(DEFAULTS);
        int compared = 0;
        for (int i = 0; i < schemad.size(); i++) {
            Fixture a = schemad.get(i);
            Fixture b = schemaless.get(i);
            SinkRecord ra = ts.apply(a.record());
            SinkRecord rb = tl.apply(b.record());
            if (ra == null || rb == null) {
                assertEquals(ra, rb, a.label + ": both dropped");
                continue;
            }
            if (!(ra.value() instanceof Struct) || !isData(a)) {
                continue;
            }
            Struct row = (Struct) ra.value();
            Map<?, ?> map = (Map<?, ?>) rb.value();
            assertEquals(row.schema().fields().stream().map(Field::name).collect(Collectors.toSet()), map.keySet(),
                    a.label + ": same field names");
            for (Field f : row.schema().fields()) {
                assertEquals(normalised(f.schema(), map.get(f.name())), comparable(row.get(f)),
                        a.label + " field " + f.name());
            }
            compared++;
        }
        assertTrue(compared >= 20, "compared rows: " + compared);
    }

    /** A schema'd output value in a form comparable with the schemaless one. */
    private static Object comparable(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            return Base64.getEncoder().encodeToString((byte[]) v);
        }
        if (v instanceof java.util.Date) {
            return ((java.util.Date) v).getTime();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof Number && !(v instanceof BigDecimal) && !(v instanceof Double)) {
            return ((Number) v).longValue();
        }
        return v;
    }

    /** The schemaless (raw Debezium) value after the documented conversion of that column's type. */
    private static Object normalised(Schema s, Object raw) {
        if (raw == null) {
            return null;
        }
        String name = s.name() == null ? "" : s.name();
        switch (name) {
            case "org.apache.kafka.connect.data.Date":
                return ((Number) raw).longValue() * 86_400_000L;
            case "io.debezium.time.MicroTimestamp":
                if (raw instanceof String) {
                    Instant i = Instant.parse((String) raw);
                    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
                }
                return raw;
            case "org.apache.kafka.connect.data.Decimal":
                return new BigDecimal(new BigInteger(Base64.getDecoder().decode((String) raw)),
                        Integer.parseInt(s.parameters().get("scale")));
            default:
                break;
        }
        if (s.type() == Schema.Type.INT64 && raw instanceof String) { // Bits: little-endian bytes
            byte[] b = Base64.getDecoder().decode((String) raw);
            return new BigInteger(1, reverse(b)).longValue();
        }
        if (raw instanceof Byte || raw instanceof Short || raw instanceof Integer) {
            return ((Number) raw).longValue();
        }
        return raw;
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    @Test
    void schemalessNullParentGivesNullChildrenOnceTheShapeIsKnown() {
        CdcEnrich.Value<SinkRecord> t = value(DEFAULTS);
        Map<?, ?> full = (Map<?, ?>) t.apply(fixture(schemaless, "all_types/r/1").record()).value();
        assertEquals(13.405, full.get("c_point_x"));
        Map<?, ?> nulls = (Map<?, ?>) t.apply(fixture(schemaless, "all_types/r/2").record()).value();
        assertTrue(nulls.containsKey("c_point_x") && nulls.get("c_point_x") == null);
        assertTrue(nulls.containsKey("c_geometry_wkb") && nulls.get("c_geometry_wkb") == null);
        assertFalse(nulls.containsKey("c_point"));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void metadataNameCollidingWithAColumnIsAnErrorNamingBothAndTheRecord() {
        Fixture f = fixture(schemad, "person/c/1");
        DataException e = assertThrows(DataException.class,
                () -> value(Map.of("metadata.op.name", "email")).apply(f.record()));
        assertTrue(e.getMessage().contains("'email'") && e.getMessage().contains("metadata.op.name"), e.getMessage());
        assertTrue(e.getMessage().contains("topic '" + f.topic + "', partition 0, offset " + f.offset), e.getMessage());

        Fixture l = fixture(schemaless, "person/c/1");
        DataException el = assertThrows(DataException.class,
                () -> value(Map.of("metadata.op.name", "email")).apply(l.record()));
        assertTrue(el.getMessage().contains("'email'") && el.getMessage().contains("metadata.op.name"), el.getMessage());
        // the delimiter cannot fix a metadata collision, so the message must not send the user there
        assertFalse(e.getMessage().contains("flatten.delimiter"), e.getMessage());
        assertFalse(el.getMessage().contains("flatten.delimiter"), el.getMessage());
    }

    /** A broken envelope names the record and what is missing, instead of a NullPointerException's text. */
    @Test
    void nullOpOrNullSourceIsAnErrorNamingTheRecordAndTheField() {
        for (List<Fixture> list : List.of(schemad, schemaless)) {
            Fixture f = fixture(list, "person/u/1");
            for (String missing : List.of("op", "source")) {
                SinkRecord broken = new SinkRecord(f.topic, f.partition, f.key.schema(), f.key.value(), f.value.schema(),
                        withNull(f.value.value(), missing), f.offset);
                DataException e = assertThrows(DataException.class, () -> value(DEFAULTS).apply(broken));
                assertTrue(e.getMessage().contains("field '" + missing + "' is null")
                        && e.getMessage().contains("topic '" + f.topic + "', partition 0, offset " + f.offset)
                        && !e.getMessage().contains("NullPointer"), e.getMessage());
            }
        }
    }

    private static Object withNull(Object envelope, String field) {
        if (envelope instanceof Struct) {
            Struct env = (Struct) envelope;
            // a schema where the field may be null, as a hand-made or foreign producer could send
            org.apache.kafka.connect.data.SchemaBuilder b = org.apache.kafka.connect.data.SchemaBuilder.struct()
                    .name(env.schema().name());
            for (Field x : env.schema().fields()) {
                b.field(x.name(), x.name().equals(field) ? optional(x.schema()) : x.schema());
            }
            Schema schema = b.build();
            Struct copy = new Struct(schema);
            for (Field x : env.schema().fields()) {
                copy.put(x.name(), x.name().equals(field) ? null : env.get(x));
            }
            return copy;
        }
        Map<Object, Object> m = new HashMap<>((Map<?, ?>) envelope);
        m.put(field, null);
        return m;
    }

    private static Schema optional(Schema s) {
        org.apache.kafka.connect.data.SchemaBuilder b = s.type() == Schema.Type.STRUCT
                ? org.apache.kafka.connect.data.SchemaBuilder.struct().name(s.name())
                : org.apache.kafka.connect.data.SchemaBuilder.type(s.type()).name(s.name());
        if (s.type() == Schema.Type.STRUCT) {
            s.fields().forEach(x -> b.field(x.name(), x.schema()));
        }
        return b.optional().build();
    }

    @Test
    void metadataCanBeRenamedAndSwitchedOff() {
        Struct r = (Struct) value(Map.of("metadata.fields", "op,deleted", "metadata.op.name", "__op",
                "metadata.deleted.name", "is_deleted")).apply(fixture(schemad, "person/d/1").record()).value();
        List<String> names = r.schema().fields().stream().map(Field::name).collect(Collectors.toList());
        assertEquals(List.of("__op", "is_deleted"), names.subList(names.size() - 2, names.size()));
        assertFalse(names.contains("_version"));
        assertEquals("d", r.get("__op"));
        assertEquals((byte) 1, r.get("is_deleted"));
    }

    // ---------------------------------------------------------------- _version

    /** Streamed change events of one table in topic (= binlog) order. */
    private static Map<String, List<Fixture>> streamedByTable(List<Fixture> list) {
        Map<String, List<Fixture>> out = new LinkedHashMap<>();
        for (Fixture f : list) {
            if (isData(f) && !f.op().equals("r")) {
                out.computeIfAbsent(f.table(), k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    @Test
    void versionsFollowBinlogOrderAndSnapshotRowsAreLower() {
        for (List<Fixture> list : List.of(schemad, schemaless)) {
            CdcEnrich.Value<SinkRecord> t = value(DEFAULTS);
            Map<String, Long> maxSnapshot = new HashMap<>();
            for (Fixture f : list) {
                if (f.op().equals("r")) {
                    long v = version(t.apply(f.record()).value());
                    maxSnapshot.merge(f.table(), v, Math::max);
                    assertEquals(0, v & 1, "snapshot bit");
                }
            }
            // per table, in topic (= binlog) order; the halves of a primary-key change share one row event
            for (Map.Entry<String, List<Fixture>> e : streamedByTable(list).entrySet()) {
                long previous = maxSnapshot.getOrDefault(e.getKey(), -1L);
                for (Fixture f : e.getValue()) {
                    long v = version(t.apply(f.record()).value());
                    assertEquals(1, v & 1, "streamed bit " + f.label);
                    if (f.headers.containsKey(VersionOrder.OLD_KEY_HEADER)) {
                        assertEquals(previous, v, f.label + ": the new key's create shares the old key's delete version");
                    } else {
                        assertTrue(v > previous, f.label + ": version " + v + " not above " + previous);
                    }
                    previous = v;
                }
            }
            // Across tables, against a witness the version does not use: the GTID's sequence number, then
            // Debezium's transaction.total_order (the capture runs with provide.transaction.metadata=true).
            List<long[]> seen = new ArrayList<>();
            for (Fixture f : list) {
                if (isData(f) && !f.op().equals("r")) {
                    String gtid = String.valueOf(field(field(f.value.value(), "source"), "gtid"));
                    long seq = Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
                    long order = ((Number) field(field(f.value.value(), "transaction"), "total_order")).longValue();
                    long pkChange = f.headers.containsKey(VersionOrder.OLD_KEY_HEADER) ? 1 : 0;
                    seen.add(new long[] {seq, order, version(value(DEFAULTS).apply(f.record()).value()), pkChange});
                }
            }
            seen.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            for (int i = 1; i < seen.size(); i++) {
                long[] now = seen.get(i);
                long[] before = seen.get(i - 1);
                String where = "binlog order " + now[0] + "/" + now[1];
                assertTrue(now[3] == 1 ? now[2] == before[2] : now[2] > before[2], where);
            }
            assertTrue(seen.size() >= 20, "streamed changes: " + seen.size());
        }
    }

    /** From the real connector: with event-level positions two statements of one transaction differ in pos. */
    @Test
    void twoUpdatesOfOneRowInOneTransactionGetGrowingVersions() {
        for (List<Fixture> list : List.of(schemad, schemaless)) {
            Fixture u1 = fixture(list, "person/u/1");
            Fixture u2 = fixture(list, "person/u/2");
            Object s1 = field(u1.value.value(), "source");
            Object s2 = field(u2.value.value(), "source");
            assertEquals(field(s1, "gtid"), field(s2, "gtid"), "one transaction");
            assertEquals(field(u1.key.value(), "id"), field(u2.key.value(), "id"), "one row");
            assertTrue(((Number) field(s2, "pos")).longValue() > ((Number) field(s1, "pos")).longValue(),
                    "each statement's rows event has its own position");
            assertTrue(version(value(DEFAULTS).apply(u2.record()).value())
                    > version(value(DEFAULTS).apply(u1.record()).value()));
        }
        // a multi-row statement: one event, rows 0..2
        Fixture r0 = fixture(schemad, "person/u/3");
        Fixture r2 = fixture(schemad, "person/u/5");
        assertEquals(version(value(DEFAULTS).apply(r0.record()).value()) + 4,
                version(value(DEFAULTS).apply(r2.record()).value()));
    }

    /**
     * The same workload from MariaDB's default (transaction-level) positions, as Debezium sent it: the
     * transform stops at the first change whose version would not grow, naming the server setting.
     */
    @Test
    void transactionLevelPositionsAreRefusedNamingTheServerSetting() {
        List<Fixture> old = Fixtures.withTransactionPositions();
        CdcEnrich.Value<SinkRecord> t = value(DEFAULTS);
        DataException refused = null;
        String at = null;
        for (Fixture f : old) {
            if (!f.topic.equals("dbserver.fixtures_db.person")) {
                continue;
            }
            try {
                t.apply(f.record());
            } catch (DataException e) {
                refused = e;
                at = f.label;
                break;
            }
        }
        assertNotNull(refused, "transaction-level positions must be refused");
        assertEquals("person/c/2", at, "the second INSERT of the transaction shares the first one's position and row");
        assertTrue(refused.getMessage().contains("binlog_legacy_event_pos=ON")
                && refused.getMessage().contains("binlog_transaction_compression")
                && refused.getMessage().contains("topic 'dbserver.fixtures_db.person', partition 0, offset 3"),
                refused.getMessage());

        // Let through knowingly when the check is off.
        CdcEnrich.Value<SinkRecord> unchecked = value(Map.of("version.order.check", "false"));
        for (Fixture f : old) {
            unchecked.apply(f.record());
        }
    }

    @Test
    void redeliveredRecordsAreNotMistakenForFallingVersions() {
        CdcEnrich.Value<SinkRecord> t = value(DEFAULTS);
        List<Fixture> person = streamedByTable(schemad).get("person");
        for (int round = 0; round < 3; round++) { // what WorkerSinkTask does after a RetriableException
            for (Fixture f : person) {
                t.apply(f.record());
            }
        }
        // a record that falls without a rewind is refused
        Fixture later = person.get(person.size() - 1);
        Fixture earlier = person.get(0);
        SinkRecord fallen = new SinkRecord(earlier.topic, earlier.partition, earlier.key.schema(), earlier.key.value(),
                earlier.value.schema(), earlier.value.value(), later.offset + 1);
        assertThrows(DataException.class, () -> t.apply(fallen));
        // the second half of a primary-key change without its header is refused too
        CdcEnrich.Value<SinkRecord> fresh = value(DEFAULTS);
        fresh.apply(fixture(schemad, "person/d/1").record());
        Fixture c3 = fixture(schemad, "person/c/3");
        assertEquals(Set.of(VersionOrder.OLD_KEY_HEADER), c3.headers.keySet());
        SinkRecord noHeader = new SinkRecord(c3.topic, c3.partition, c3.key.schema(), c3.key.value(),
                c3.value.schema(), c3.value.value(), c3.offset);
        assertThrows(DataException.class, () -> fresh.apply(noHeader));
    }

    private static Object field(Object structOrMap, String name) {
        return structOrMap instanceof Struct ? ((Struct) structOrMap).get(name) : ((Map<?, ?>) structOrMap).get(name);
    }

    private static long version(Object row) {
        return row instanceof Struct ? ((Struct) row).getInt64("_version") : (Long) ((Map<?, ?>) row).get("_version");
    }
}
