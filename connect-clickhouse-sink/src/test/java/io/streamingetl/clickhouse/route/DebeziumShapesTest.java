package io.streamingetl.clickhouse.route;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Raw envelopes and schema-change events are bad records, not rows (found by integration-tests BadInputTest). */
class DebeziumShapesTest {
    @Test
    void envelopesAndSchemaChangeEventsAreRejectedRowsPass() {
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source").field("db", Schema.STRING_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().name("dbserver.shop.person.Envelope")
                .field("op", Schema.STRING_SCHEMA).field("source", source).build();
        assertTrue(assertThrows(DataException.class, () -> DebeziumShapes.requireRow(envelope)).getMessage()
                .contains("change envelope"));
        Schema change = SchemaBuilder.struct().name("io.debezium.connector.mariadb.SchemaChangeValue")
                .field("ddl", Schema.OPTIONAL_STRING_SCHEMA).build();
        assertTrue(assertThrows(DataException.class, () -> DebeziumShapes.requireRow(change)).getMessage()
                .contains("schema-change event"));
        Schema row = SchemaBuilder.struct().name("dbserver.shop.person.Value").field("id", Schema.INT32_SCHEMA).build();
        assertDoesNotThrow(() -> DebeziumShapes.requireRow(row));
        // A user's own struct that merely ends in .Envelope without the envelope's fields is a row.
        Schema lookalike = SchemaBuilder.struct().name("my.Envelope").field("id", Schema.INT32_SCHEMA).build();
        assertDoesNotThrow(() -> DebeziumShapes.requireRow(lookalike));
        assertDoesNotThrow(() -> DebeziumShapes.requireRow(null));
        assertDoesNotThrow(() -> DebeziumShapes.requireRow(Schema.STRING_SCHEMA));
    }
}
