package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.streamingetl.common.SchemaCache;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Flattening rules on structs built in code (pure logic, no Debezium envelope): the Key transform
 * applies exactly the row's flatten rules, without the envelope and metadata.
 */
class FlattenLogicTest {

    private static final Schema INNER = SchemaBuilder.struct().optional()
            .field("b", Schema.INT32_SCHEMA)
            .field("c", SchemaBuilder.struct().optional().field("d", Schema.STRING_SCHEMA).build())
            .build();
    private static final Schema OUTER = SchemaBuilder.struct().name("k")
            .field("id", Schema.INT64_SCHEMA)
            .field("a", INNER)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
            .build();

    private static CdcEnrich.Key<SinkRecord> key(Map<String, String> props) {
        CdcEnrich.Key<SinkRecord> t = new CdcEnrich.Key<>();
        t.configure(props);
        return t;
    }

    private static SinkRecord record(Schema schema, Object key) {
        return new SinkRecord("t", 3, schema, key, null, null, 42L);
    }

    @Test
    void nestedStructsJoinWithTheDelimiterAndChildrenOfOptionalParentsAreOptional() {
        Struct k = new Struct(OUTER).put("id", 7L)
                .put("a", new Struct(INNER).put("b", 1).put("c", new Struct(INNER.field("c").schema()).put("d", "x")));
        SinkRecord out = key(Map.of("flatten.delimiter", "__")).apply(record(OUTER, k));
        Struct flat = (Struct) out.key();
        assertEquals(List.of("id", "a__b", "a__c__d", "tags", "attrs"),
                out.keySchema().fields().stream().map(Field::name).collect(Collectors.toList()));
        assertEquals("k", out.keySchema().name());
        assertEquals(7L, flat.get("id"));
        assertEquals(1, flat.get("a__b"));
        assertEquals("x", flat.get("a__c__d"));
        assertTrue(out.keySchema().field("a__b").schema().isOptional(), "child of an optional parent");
        assertTrue(!out.keySchema().field("id").schema().isOptional());
        flat.validate();
    }

    @Test
    void nullParentGivesNullChildrenSchemaAndSchemaless() {
        Struct k = new Struct(OUTER).put("id", 7L);
        SinkRecord out = key(Map.of()).apply(record(OUTER, k));
        Struct flat = (Struct) out.key();
        flat.validate();
        assertNull(flat.get("a_b"));
        assertNull(flat.get("a_c_d"));

        // Schemaless: the parent's children are known once it was seen non-null on the topic.
        CdcEnrich.Key<SinkRecord> t = key(Map.of());
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 1L);
        inner.put("c", new HashMap<>(Map.of("d", "x")));
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("id", 7L);
        full.put("a", inner);
        assertEquals(Map.of("id", 7L, "a_b", 1L, "a_c_d", "x"), t.apply(record(null, full)).key());
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulls.put("id", 8L);
        nulls.put("a", null);
        Map<String, Object> expected = new HashMap<>();
        expected.put("id", 8L);
        expected.put("a_b", null);
        expected.put("a_c_d", null);
        assertEquals(expected, t.apply(record(null, nulls)).key());
        // another topic has not seen the shape: one null field named after the parent
        Map<String, Object> other = new HashMap<>();
        other.put("id", 8L);
        other.put("a", null);
        assertEquals(other, t.apply(new SinkRecord("other", 0, null, nulls, null, null, 1L)).key());
    }

    /** Kafka's Flatten gives {} no fields and null one null field; a parent once {} must not vanish when null. */
    @Test
    void schemalessParentSeenEmptyThenNullKeepsItsNullField() {
        CdcEnrich.Key<SinkRecord> t = key(Map.of());
        Map<String, Object> empty = new LinkedHashMap<>();
        empty.put("id", 1L);
        empty.put("a", new HashMap<>());
        assertEquals(Map.of("id", 1L), t.apply(record(null, empty)).key());
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulls.put("id", 2L);
        nulls.put("a", null);
        Map<String, Object> expected = new HashMap<>();
        expected.put("id", 2L);
        expected.put("a", null);
        assertEquals(expected, t.apply(record(null, nulls)).key());
    }

    @Test
    void arraysAndMapsKeptOrRenderedAsJson() {
        Struct k = new Struct(OUTER).put("id", 7L).put("tags", List.of("x", "y\"z"))
                .put("attrs", new LinkedHashMap<>(Map.of("n", 1)));
        Struct kept = (Struct) key(Map.of()).apply(record(OUTER, k)).key();
        assertEquals(List.of("x", "y\"z"), kept.get("tags"));
        assertEquals(Schema.Type.ARRAY, kept.schema().field("tags").schema().type());
        assertEquals(Map.of("n", 1), kept.get("attrs"));

        SinkRecord json = key(Map.of("flatten.collections", "json")).apply(record(OUTER, k));
        Struct j = (Struct) json.key();
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, json.keySchema().field("tags").schema());
        assertEquals("[\"x\",\"y\\\"z\"]", j.get("tags"));
        assertEquals("{\"n\":1}", j.get("attrs"));

        Map<String, Object> schemaless = new HashMap<>(Map.of("id", 1L, "tags", List.of(1L, 2L)));
        assertEquals("[1,2]", ((Map<?, ?>) key(Map.of("flatten.collections", "json"))
                .apply(record(null, schemaless)).key()).get("tags"));
        assertEquals(List.of(1L, 2L), ((Map<?, ?>) key(Map.of()).apply(record(null, schemaless)).key()).get("tags"));
    }

    @Test
    void nameCollisionIsAnErrorNamingBothFields() {
        Schema a = SchemaBuilder.struct().field("b", Schema.INT32_SCHEMA).build();
        Schema colliding = SchemaBuilder.struct().field("a_b", Schema.INT32_SCHEMA).field("a", a).build();
        Struct k = new Struct(colliding).put("a_b", 1).put("a", new Struct(a).put("b", 2));
        DataException e = assertThrows(DataException.class, () -> key(Map.of()).apply(record(colliding, k)));
        assertTrue(e.getMessage().contains("'a_b'") && e.getMessage().contains("'a.b'"), e.getMessage());
        assertTrue(e.getMessage().contains("topic 't', partition 3, offset 42"), e.getMessage());
        // another delimiter resolves it
        Struct ok = (Struct) key(Map.of("flatten.delimiter", ".")).apply(record(colliding, k)).key();
        assertEquals(2, ok.get("a.b"));

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a_b", 1L);
        m.put("a", new HashMap<>(Map.of("b", 2L)));
        DataException e2 = assertThrows(DataException.class, () -> key(Map.of()).apply(record(null, m)));
        assertTrue(e2.getMessage().contains("'a_b'") && e2.getMessage().contains("'a.b'"), e2.getMessage());
    }

    @Test
    void notAStructKeyPassesUnchanged() {
        SinkRecord r = record(Schema.STRING_SCHEMA, "k");
        assertSame(r, key(Map.of()).apply(r));
    }

    @Test
    void schemaCacheIsBoundedAndFindsEqualSchemasByValue() {
        SchemaCache<String> cache = new SchemaCache<>(16);
        int[] builds = {0};
        for (int i = 0; i < 40; i++) {
            Schema s = SchemaBuilder.struct().name("s" + i).field("f", Schema.INT32_SCHEMA).build();
            cache.get(s, x -> "p" + (++builds[0]));
        }
        assertEquals(16, cache.size());
        Schema again = SchemaBuilder.struct().name("s39").field("f", Schema.INT32_SCHEMA).build(); // equal, new instance
        assertEquals("p40", cache.get(again, x -> "rebuilt"));
    }

    @Test
    void enumMembersFromTheBinlogLoseTheDdlParsersEscapes() {
        assertEquals("x,y", LogicalTypes.unescapeMembers("x\\,y"));
        assertEquals("b\\c", LogicalTypes.unescapeMembers("b\\\\c"));
        assertEquals("x\\,y", LogicalTypes.unescapeMembers("x\\\\\\,y"));
        assertEquals("plain", LogicalTypes.unescapeMembers("plain"));
        LogicalTypes.Conversion c = LogicalTypes.forSchema(SchemaBuilder.string().name("io.debezium.data.Enum").build(),
                CdcEnrichConfig.CollectionMode.KEEP);
        assertNull(c.converter, "snapshot reads are as stored");
        assertEquals("x,y", c.binlogConverter.convert("x\\,y"));
    }
}
