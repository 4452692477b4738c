package io.streamingetl.clickhouse.route;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Rejects raw Debezium change envelopes and schema-change events. Written as rows they would not
 * fail: schema evolution would add before/after/source/op columns (or ddl/tableChanges) to the
 * data table and store a row of defaults, silently. Such a record means the enrich SMT is missing
 * or passed it on (an unknown op, a schema-change event on a data topic).
 */
final class DebeziumShapes {
    private DebeziumShapes() {
    }

    static void requireRow(Schema valueSchema) {
        if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT || valueSchema.name() == null) {
            return;
        }
        String name = valueSchema.name();
        if (name.endsWith(".Envelope") && valueSchema.field("op") != null && valueSchema.field("source") != null) {
            throw new DataException("value is a Debezium change envelope (" + name + ", op field 'op'), not a row:"
                    + " the enrich SMT unwraps c/r/u/d envelopes and passes other ops on unchanged");
        }
        if (name.startsWith("io.debezium.") && name.endsWith(".SchemaChangeValue")) {
            throw new DataException("value is a Debezium schema-change event (" + name + "), not a row:"
                    + " schema-change events belong on the server topic, not on a data topic");
        }
    }
}
