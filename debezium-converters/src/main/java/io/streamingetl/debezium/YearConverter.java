package io.streamingetl.debezium;

import java.time.LocalDate;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.Properties;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * {@code YEAR} columns as the server stores them, {@code 0000} included. Debezium reads the
 * binlog's YEAR byte as 1900 + byte, so 0000 arrives as 1900 (a year YEAR cannot hold), and on the
 * JDBC paths (snapshots) it widens two-digit years, so 0000 read as a number becomes 2000. The
 * schema stays Debezium's ({@code io.debezium.time.Year}, INT32), so nothing downstream changes.
 * The snapshot paths need the JDBC driver to return YEAR as a number
 * ({@code driver.yearIsDateType=false}): as a date, year 0 fails in the driver.
 *
 * <pre>
 *   "converters": "year",
 *   "year.type": "io.streamingetl.debezium.YearConverter"
 * </pre>
 */
public final class YearConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    static final String YEAR_SCHEMA_NAME = "io.debezium.time.Year";
    /** The binlog's YEAR byte 0 (the year 0000) after Debezium's +1900. */
    private static final int BINLOG_ZERO = 1900;

    @Override
    public void configure(Properties props) {
        // no options
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if ("YEAR".equalsIgnoreCase(column.typeName())) {
            registration.register(SchemaBuilder.int32().name(YEAR_SCHEMA_NAME).version(1), YearConverter::year);
        }
    }

    static Object year(Object value) {
        int year;
        if (value == null) {
            return null;
        } else if (value instanceof Year y) {
            year = y.getValue();
        } else if (value instanceof Number n) {
            year = n.intValue();
        } else if (value instanceof java.sql.Date d) {
            year = d.toLocalDate().getYear();
        } else if (value instanceof java.util.Date d) {
            year = d.toInstant().atOffset(ZoneOffset.UTC).getYear();
        } else if (value instanceof LocalDate d) {
            year = d.getYear();
        } else {
            year = Integer.parseInt(value.toString().trim()); // a DEFAULT as text, e.g. '0000'
        }
        return year == BINLOG_ZERO ? 0 : year;
    }
}
