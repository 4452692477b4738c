package io.streamingetl.debezium;

import java.sql.Types;
import java.util.Properties;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Columns declared {@code BOOLEAN}/{@code BOOL} keep their integer value. MySQL stores them as
 * {@code TINYINT(1)}, which holds -128..127; when Debezium learns such a table from streamed DDL it
 * emits a Connect BOOLEAN and turns 2, -128 or 127 into true, while the same table learned by a
 * snapshot ({@code SHOW CREATE TABLE}: {@code tinyint(1)}) emits INT16. With this converter both
 * are INT16 with the stored value. The snapshot paths need the JDBC driver to return the value as
 * a number ({@code driver.tinyInt1isBit=false}).
 *
 * <pre>
 *   "converters": "boolean",
 *   "boolean.type": "io.streamingetl.debezium.BooleanAsTinyIntConverter"
 * </pre>
 */
public final class BooleanAsTinyIntConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    @Override
    public void configure(Properties props) {
        // no options
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (column.jdbcType() == Types.BOOLEAN) {
            registration.register(SchemaBuilder.int16(), BooleanAsTinyIntConverter::tinyInt);
        }
    }

    static Object tinyInt(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof Number n) {
            return n.shortValue();
        } else if (value instanceof Boolean b) {
            return (short) (b ? 1 : 0);
        }
        String text = value.toString().trim(); // a DEFAULT as text: 1, TRUE, b'1'
        if ("true".equalsIgnoreCase(text)) {
            return (short) 1;
        } else if ("false".equalsIgnoreCase(text)) {
            return (short) 0;
        }
        return Short.parseShort(text);
    }
}
