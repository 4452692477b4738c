package io.streamingetl.debezium;

import java.time.LocalDate;
import java.time.Year;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The value mappings; TypePathsTest proves them through Debezium against MariaDB. */
class ConvertersTest {

    @Test
    void theBinlogsYear1900IsTheYearZero() {
        assertEquals(0, YearConverter.year(Year.of(1900)));
        assertEquals(0, YearConverter.year((short) 0)); // a snapshot with yearIsDateType=false
        assertEquals(1901, YearConverter.year(Year.of(1901)));
        assertEquals(2155, YearConverter.year(2155));
        assertEquals(1999, YearConverter.year(java.sql.Date.valueOf(LocalDate.of(1999, 1, 1))));
        assertEquals(0, YearConverter.year("0000"));
        assertNull(YearConverter.year(null));
    }

    @Test
    void aBooleanColumnKeepsItsInteger() {
        assertEquals((short) 2, BooleanAsTinyIntConverter.tinyInt(2));
        assertEquals((short) -128, BooleanAsTinyIntConverter.tinyInt((byte) -128));
        assertEquals((short) 127, BooleanAsTinyIntConverter.tinyInt(127));
        assertEquals((short) 1, BooleanAsTinyIntConverter.tinyInt(Boolean.TRUE));
        assertEquals((short) 0, BooleanAsTinyIntConverter.tinyInt("FALSE"));
        assertEquals((short) 5, BooleanAsTinyIntConverter.tinyInt("5"));
        assertNull(BooleanAsTinyIntConverter.tinyInt(null));
    }
}
