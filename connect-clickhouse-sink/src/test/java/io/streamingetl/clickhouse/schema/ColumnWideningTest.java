package io.streamingetl.clickhouse.schema;

import org.junit.jupiter.api.Test;

import static io.streamingetl.clickhouse.schema.ColumnWidening.widened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which source type changes modify the ClickHouse column, and to what. */
class ColumnWideningTest {
    @Test
    void losslessChangesWiden() {
        assertEquals("Int64", widened("Int32", "Int64", false));                           // INT -> BIGINT
        assertEquals("Nullable(Int64)", widened("Nullable(Int32)", "Nullable(Int64)", false));
        assertEquals("UInt64", widened("UInt32", "UInt64", false));                        // INT UNSIGNED -> BIGINT UNSIGNED
        assertEquals("Int64", widened("UInt32", "Int64", false));                          // INT UNSIGNED -> BIGINT
        assertEquals("Float64", widened("Float32", "Float64", false));
        assertEquals("Decimal(12, 2)", widened("Decimal(10, 2)", "Decimal(12, 2)", false));
        assertEquals("Decimal(12, 4)", widened("Decimal(10, 2)", "Decimal(12, 4)", false));
        assertEquals("DateTime64(6, 'UTC')", widened("DateTime64(3, 'UTC')", "DateTime64(6, 'UTC')", false));
        assertEquals("Nullable(Int32)", widened("Int32", "Nullable(Int32)", false));      // NOT NULL -> NULL
        assertEquals("Nullable(Int64)", widened("Int32", "Nullable(Int64)", false));
        assertEquals("Int64", widened("Int32", "Nullable(Int64)", true));                 // a key column stays NOT NULL
        assertEquals("Nullable(Enum8('' = 0, 'a' = 1, 'b' = 2, 'c\\'d' = 3))",                // a value added to an ENUM
                widened("Nullable(Enum8('' = 0, 'a' = 1, 'b' = 2))", "Nullable(Enum8('' = 0, 'a' = 1, 'b' = 2, 'c\\'d' = 3))", false));
        assertEquals("Array(Enum8('' = 0, 'a' = 1, 'b' = 2))",                               // a member added to a SET
                widened("Array(Enum8('' = 0, 'a' = 1))", "Array(Enum8('' = 0, 'a' = 1, 'b' = 2))", false));
    }

    @Test
    void everythingElseLeavesTheColumnAlone() {
        assertNull(widened("Int64", "Int64", false));
        assertNull(widened("Nullable(Int64)", "Int64", false));                // NULL -> NOT NULL: still fits
        assertNull(widened("Int64", "Int32", false));                          // narrower: values refused per record
        assertNull(widened("Int32", "UInt32", false));                         // negatives would not fit
        assertNull(widened("Int32", "UInt64", false));
        assertNull(widened("UInt32", "Int32", false));
        assertNull(widened("Decimal(10, 2)", "Decimal(10, 4)", false));        // fewer integer digits
        assertNull(widened("Decimal(12, 4)", "Decimal(12, 2)", false));
        assertNull(widened("Int32", "String", false));                         // another family
        assertNull(widened("String", "Int32", false));
        assertNull(widened("DateTime64(3, 'UTC')", "DateTime64(6, 'Europe/Berlin')", false));
        assertNull(widened("LowCardinality(String)", "Nullable(String)", false));
        assertNull(widened("Int32", "Int32", true));
        assertNull(widened("Enum8('' = 0, 'a' = 1, 'b' = 2)", "Enum8('' = 0, 'b' = 1, 'a' = 2, 'c' = 3)", false)); // renumbered
        assertNull(widened("Enum8('' = 0, 'a' = 1, 'b' = 2)", "Enum8('' = 0, 'a' = 1)", false));                 // a value removed
        assertNull(widened("Array(Enum8('' = 0, 'a' = 1, 'b' = 2))", "Array(Enum8('' = 0, 'b' = 1))", false));
        assertNull(widened("Array(LowCardinality(String))", "Array(LowCardinality(String))", false));
    }
}
