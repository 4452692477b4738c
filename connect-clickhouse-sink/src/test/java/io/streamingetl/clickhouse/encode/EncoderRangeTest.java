package io.streamingetl.clickhouse.encode;

import com.clickhouse.data.ClickHouseColumn;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values outside a column's range are errors, not silently different values: RowBinary has no
 * range check on the server, so a narrowing cast (300 into UInt8 became 44, -1 into UInt32 became
 * 4294967295) or an out-of-range day (10000-01-01 into Date32) used to be stored as another value.
 * Found by integration-tests BadInputTest.
 */
class EncoderRangeTest {
    private static byte[] encode(String type, Object value) throws IOException {
        return encode(type, value, DateRange.MYSQL);
    }

    private static byte[] encode(String type, Object value, DateRange dates) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoders.forColumn(ClickHouseColumn.of("c", type), dates).encode(out, value);
        return out.toByteArray();
    }

    private static void rejected(String type, Object value, String expectedText) {
        rejected(type, value, DateRange.MYSQL, expectedText);
    }

    private static void rejected(String type, Object value, DateRange dates, String expectedText) {
        DataException e = assertThrows(DataException.class, () -> encode(type, value, dates), type + " <- " + value);
        assertTrue(e.getMessage().contains(expectedText) && e.getMessage().contains(type), e.getMessage());
    }

    private static Date day(int y, int m, int d) {
        return Date.from(LocalDate.of(y, m, d).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    @Test
    void integersOutsideTheColumnRangeAreRejected() throws IOException {
        assertArrayEquals(new byte[] {(byte) 0xFF}, encode("UInt8", 255));
        assertArrayEquals(new byte[] {(byte) 0x80}, encode("Int8", (short) -128));
        rejected("UInt8", 300, "300 is out of range");
        rejected("UInt8", -1, "-1 is out of range");
        rejected("Int8", (short) 128, "128 is out of range");
        rejected("Int16", 40_000, "40000 is out of range");
        rejected("UInt16", -1L, "-1 is out of range");
        rejected("Int32", 1L << 40, "1099511627776 is out of range");
        rejected("UInt32", -1, "-1 is out of range");
        rejected("UInt32", 1L << 32, "4294967296 is out of range");
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, encode("UInt32", 0xFFFF_FFFFL));
        rejected("UInt8", "256", "256 is out of range"); // schemaless text
        // A negative long is not 2^64 - 1 in a UInt64 column (e.g. a _version past 2^63); a BigInteger carries the top bit.
        rejected("UInt64", -1L, "-1 is out of range");
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, 127}, encode("UInt64", Long.MAX_VALUE));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1},
                encode("UInt64", new java.math.BigInteger("18446744073709551615")));
        rejected("UInt64", java.math.BigInteger.ONE.shiftLeft(64), "18446744073709551616 is out of range");
        rejected("UInt64", java.math.BigInteger.valueOf(-1), "-1 is out of range");
        // A BigInteger was narrowed with longValue(): 2^63 into Int64 became Long.MIN_VALUE.
        rejected("Int64", java.math.BigInteger.ONE.shiftLeft(63), "9223372036854775808 is out of range");
    }

    @Test
    void datesOutsideTheColumnRangeAreRejected() throws IOException {
        encode("Date32", day(1000, 1, 1));
        encode("Date32", day(1815, 12, 10));
        encode("Date32", day(9999, 12, 31));
        rejected("Date32", day(999, 12, 31), "out of range");
        rejected("Date32", day(10000, 1, 1), "out of range");
        rejected("Date", day(1969, 12, 31), "out of range");
        rejected("Date", "2150-01-01", "out of range");
        rejected("Date32", 1L << 40, "out of range");
        encode("Date", "2149-06-06");
    }

    @Test
    void timestampsOutsideTheColumnRangeAreRejected() throws IOException {
        encode("DateTime64(3, 'UTC')", Date.from(Instant.parse("2299-12-31T23:59:59.999Z")));
        encode("DateTime64(3, 'UTC')", Date.from(Instant.parse("3000-06-01T00:00:00Z")));
        encode("DateTime64(6, 'UTC')", Date.from(Instant.parse("1000-01-01T00:00:00Z")));
        rejected("DateTime64(3, 'UTC')", Date.from(Instant.parse("+10000-06-01T00:00:00Z")), "out of range");
        rejected("DateTime64(6, 'UTC')", Date.from(Instant.parse("0999-12-31T23:59:59Z")), "out of range");
        rejected("DateTime", Date.from(Instant.parse("1969-12-31T23:59:59Z")), "out of range");
        rejected("DateTime", Date.from(Instant.parse("2106-02-08T00:00:00Z")), "out of range");
        assertThrows(ArithmeticException.class, () -> encode("DateTime64(9, 'UTC')", new Date(Long.MAX_VALUE / 1000)));
    }

    /** A server before 26.7 would show 1000-01-01 as 1900-01-01: there such days are refused, not stored. */
    @Test
    void olderServersHoldOnly1900To2299() throws IOException {
        encode("Date32", day(1900, 1, 1), DateRange.CLASSIC);
        encode("Date32", day(2299, 12, 31), DateRange.CLASSIC);
        rejected("Date32", day(1899, 12, 31), DateRange.CLASSIC, "[1900-01-01, 2299-12-31]");
        rejected("Date32", day(9999, 12, 31), DateRange.CLASSIC, "out of range");
        encode("DateTime64(6, 'UTC')", Date.from(Instant.parse("2299-12-31T23:59:59Z")), DateRange.CLASSIC);
        rejected("DateTime64(6, 'UTC')", Date.from(Instant.parse("1000-01-01T00:00:00Z")), DateRange.CLASSIC, "out of range");
        rejected("DateTime64(3, 'UTC')", Date.from(Instant.parse("2300-01-01T00:00:00Z")), DateRange.CLASSIC, "out of range");
    }
}
