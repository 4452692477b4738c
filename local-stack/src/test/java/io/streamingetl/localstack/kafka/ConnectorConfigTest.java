package io.streamingetl.localstack.kafka;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tests' connector configs are the shipped files, pointed at another database only where they name it. */
class ConnectorConfigTest {
    @Test
    void theShippedDatabaseGivesTheShippedFiles() {
        ConnectorConfig source = ConnectorConfig.load(ConnectorConfig.SOURCE);
        String database = source.config().get("database.include.list");
        assertEquals(source, source.capturing(database));
        ConnectorConfig sink = ConnectorConfig.load(ConnectorConfig.SINK);
        assertEquals(sink, sink.sinking(source.config().get("topic.prefix"), database));
    }

    @Test
    void anotherDatabaseIsNamedWhereverTheFileNamesItsOwn() {
        ConnectorConfig source = ConnectorConfig.load(ConnectorConfig.SOURCE).capturing("tz_db");
        assertEquals("tz_db", source.config().get("database.include.list"));
        assertEquals("schema-changes.tz_db", source.config().get("schema.history.internal.kafka.topic"));
        assertEquals("tz_db.dbz_signal", source.config().get("signal.data.collection"));
        assertFalse(source.config().values().stream().anyMatch(v -> v.contains("streaming_etl_db")), source.toString());

        ConnectorConfig sink = ConnectorConfig.load(ConnectorConfig.SINK).sinking("my.prefix", "tz_db");
        assertEquals("tz_db", sink.config().get("clickhouse.database"));
        Pattern topics = Pattern.compile(sink.config().get("topics.regex"));
        assertTrue(topics.matcher("my.prefix.tz_db.t").matches());
        assertFalse(topics.matcher("my.prefix.tz_db.dbz_signal").matches());
        assertFalse(topics.matcher("myXprefix.tz_db.t").matches());
        assertFalse(topics.matcher("my.prefix.tz_db").matches());
    }
}
