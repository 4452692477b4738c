package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.config.TableSettings.EnumMode;
import io.streamingetl.clickhouse.schema.debezium.UnsignedIntType;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Unsigned source integers, known from Debezium's propagated source type, become UInt columns with exact values. */
class UnsignedIntTypeTest {
    private static final TypeRegistry REGISTRY = TypeRegistry.standard();
    private static final TypeContext CTX = new TypeContext(REGISTRY, "UTC", Set.of(), false, EnumMode.LOW_CARDINALITY, true, "c");

    private static Schema withSource(SchemaBuilder b, String sourceType) {
        return b.parameter(UnsignedIntType.SOURCE_TYPE, sourceType).optional().build();
    }

    @Test
    void columnTypeFollowsTheSourceType() {
        assertEquals("Nullable(UInt8)", REGISTRY.columnType(withSource(SchemaBuilder.int16(), "TINYINT UNSIGNED"), CTX, false));
        assertEquals("Nullable(UInt16)", REGISTRY.columnType(withSource(SchemaBuilder.int32(), "SMALLINT UNSIGNED"), CTX, false));
        assertEquals("Nullable(UInt32)", REGISTRY.columnType(withSource(SchemaBuilder.int32(), "mediumint unsigned zerofill"), CTX, false));
        assertEquals("Nullable(UInt32)", REGISTRY.columnType(withSource(SchemaBuilder.int64(), "INT UNSIGNED"), CTX, false));
        assertEquals("UInt64", REGISTRY.columnType(withSource(SchemaBuilder.int64(), "BIGINT UNSIGNED"), CTX, true));
        assertEquals("Nullable(UInt64)", REGISTRY.columnType(withSource(Decimal.builder(0), "BIGINT UNSIGNED"), CTX, false));
        assertEquals("Nullable(UInt16)", REGISTRY.columnType(SchemaBuilder.int64().parameter(UnsignedIntType.BITS, "10")
                .optional().build(), CTX, false));                                                  // BIT(10)
        Schema bit64 = SchemaBuilder.int64().parameter(UnsignedIntType.BITS, "64").build();
        assertEquals("UInt64", REGISTRY.columnType(bit64, CTX, false));
        assertEquals(new BigInteger("18446744073709551615"), REGISTRY.lookup(bit64).toCanonical(-1L, bit64));
        // Signed, or not an integer: the Connect type decides.
        assertEquals("Nullable(Int64)", REGISTRY.columnType(withSource(SchemaBuilder.int64(), "BIGINT"), CTX, false));
        assertEquals("Nullable(Decimal(38, 2))", REGISTRY.columnType(withSource(Decimal.builder(2), "DECIMAL UNSIGNED"), CTX, false));
    }

    @Test
    void bigintUnsignedIsExactInBothDebeziumModes() {
        Schema longMode = withSource(SchemaBuilder.int64(), "BIGINT UNSIGNED");
        Schema precise = withSource(Decimal.builder(0), "BIGINT UNSIGNED");
        ColumnType type = REGISTRY.lookup(longMode);
        assertEquals(new BigInteger("18446744073709551615"), type.toCanonical(-1L, longMode));
        assertEquals(new BigInteger("9223372036854775808"), type.toCanonical(Long.MIN_VALUE, longMode));
        assertEquals(42L, type.toCanonical(42L, longMode));
        assertEquals(new BigInteger("18446744073709551615"), type.toCanonical(new BigDecimal("18446744073709551615"), precise));
        assertInstanceOf(Long.class, type.toCanonical(new BigDecimal("7"), precise));
        assertThrows(DataException.class, () -> type.toCanonical(new BigDecimal("18446744073709551616"), precise));
        assertThrows(DataException.class, () -> type.toCanonical(new BigDecimal("-1"), precise));
        // INT UNSIGNED arrives as a positive INT64: nothing to reinterpret.
        Schema intU = withSource(SchemaBuilder.int64(), "INT UNSIGNED");
        assertEquals(4294967295L, REGISTRY.lookup(intU).toCanonical(4294967295L, intU));
    }
}
