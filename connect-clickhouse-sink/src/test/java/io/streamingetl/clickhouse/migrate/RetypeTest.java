package io.streamingetl.clickhouse.migrate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetypeTest {
    @ParameterizedTest(name = "{0} -> {1} (key {2}): {3} {4} round {5}")
    @CsvSource(delimiter = ';', value = {
            // widening: modified in place
            "Int32; Int64; false; MODIFY; Int64; -1",
            "Nullable(Decimal(10, 2)); Nullable(Decimal(20, 4)); false; MODIFY; Nullable(Decimal(20, 4)); -1",
            "Int32; Nullable(Int32); false; MODIFY; Nullable(Int32); -1",
            // the column holds the narrower type's values already
            "Int64; Int32; false; KEEP; Int64; -1",
            "String; String; false; KEEP; String; -1",
            "Float64; Float32; false; KEEP; Float64; -1",
            // the source rounded its DECIMALs: ClickHouse rounds its own, then the column holds them
            "Decimal(10, 2); Decimal(6, 1); false; KEEP; Decimal(10, 2); 1",
            "Decimal(10, 2); Decimal(12, 1); false; COPY; Decimal(12, 1); 1",
            "Decimal(10, 2); Decimal(6, 1); true; COPY; Decimal(6, 1); 1",
            // casts that cannot fail: in place
            "Int32; Nullable(String); false; MODIFY; Nullable(String); -1",
            "Nullable(Int32); String; false; MODIFY; Nullable(String); -1",
            "Date32; Nullable(DateTime64(3, 'UTC')); false; MODIFY; Nullable(DateTime64(3, 'UTC')); -1",
            // casts that could fail on a version the source no longer has, and key columns: a new generation
            "Nullable(String); Nullable(Int32); false; COPY; Nullable(Int32); -1",
            "UInt32; Int32; false; COPY; Int32; -1",
            "Int32; String; true; COPY; String; -1",
    })
    void plansHowTheColumnFollows(String existing, String target, boolean key, Retype.How how, String type, int round) {
        Retype r = Retype.of(existing, target, key);
        assertEquals(how, r.how());
        assertEquals(type, r.type());
        assertEquals(round, r.roundTo());
    }
}
