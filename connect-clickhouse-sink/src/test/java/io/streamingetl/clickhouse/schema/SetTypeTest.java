package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.config.TableSettings.EnumMode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A source SET (io.debezium.data.EnumSet) becomes an array of its members, its element type per table.enum.type. */
class SetTypeTest {
    private static final TypeRegistry REGISTRY = TypeRegistry.standard();
    private static final Schema SET = SchemaBuilder.string().name("io.debezium.data.EnumSet").version(1)
            .parameter("allowed", "red,green,it's blue").optional().build();

    private static TypeContext ctx(EnumMode mode) {
        return new TypeContext(REGISTRY, "UTC", Set.of(), false, mode, true, "c_set");
    }

    @Test
    void columnTypePerEnumMode() {
        assertEquals("Array(LowCardinality(String))", REGISTRY.columnType(SET, ctx(EnumMode.LOW_CARDINALITY), false));
        assertEquals("Array(Enum8('' = 0, 'red' = 1, 'green' = 2, 'it\\'s blue' = 3))",
                REGISTRY.columnType(SET, ctx(EnumMode.ENUM), false));
        assertEquals("Nullable(String)", REGISTRY.columnType(SET, ctx(EnumMode.STRING), false));
    }

    @Test
    void membersBecomeElementsUnlessTheColumnIsText() {
        ColumnType intoArray = REGISTRY.lookup(SET).forColumn("Array(LowCardinality(String))");
        assertEquals(List.of("red", "it's blue"), intoArray.toCanonical("red,it's blue", SET));
        assertEquals(List.of(), intoArray.toCanonical("", SET));
        ColumnType intoText = REGISTRY.lookup(SET).forColumn("Nullable(String)");
        assertEquals("red,green", intoText.toCanonical("red,green", SET));
        assertEquals("String", intoText.clickHouseType(SET, ctx(EnumMode.LOW_CARDINALITY)));
    }

    @Test
    void anEnumMemberWithACommaOrABackslashKeepsItsNumber() {
        Schema e = SchemaBuilder.string().name("io.debezium.data.Enum").version(1)
                .parameter("allowed", "a,x\\,y,b\\\\c,it's").optional().build();
        assertEquals("LowCardinality(Nullable(String))", REGISTRY.columnType(e, ctx(EnumMode.LOW_CARDINALITY), false));
        assertEquals("Nullable(Enum8('' = 0, 'a' = 1, 'x,y' = 2, 'b\\\\c' = 3, 'it\\'s' = 4))",
                REGISTRY.columnType(e, ctx(EnumMode.ENUM), false));
    }
}
