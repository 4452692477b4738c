package io.streamingetl.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Debezium records the lead captured from the MariaDB connector (one JSON line per topic
 * record: label, topic, partition, offset, key, value), turned back into Connect data by
 * JsonConverter exactly as a worker does.
 */
public final class Fixtures {

    public static final String WITH_SCHEMAS = "fixtures/debezium-mariadb/with-schemas.jsonl";
    public static final String WITHOUT_SCHEMAS = "fixtures/debezium-mariadb/without-schemas.jsonl";
    /** The same workload from MariaDB with transaction-level positions (binlog_legacy_event_pos=OFF). */
    public static final String TRANSACTION_POSITIONS = "fixtures/debezium-mariadb-transaction-positions/without-schemas.jsonl";

    /** One fixture line. */
    public static final class Fixture {
        public final String label;
        public final String topic;
        public final int partition;
        public final long offset;
        public final SchemaAndValue key;
        public final SchemaAndValue value;
        /** The record's headers as text (Debezium's __debezium.oldkey/newkey on primary-key changes). */
        public final Map<String, String> headers;

        Fixture(String label, String topic, int partition, long offset, SchemaAndValue key, SchemaAndValue value,
                Map<String, String> headers) {
            this.label = label;
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
            this.key = key;
            this.value = value;
            this.headers = headers;
        }

        /** "all_types" of "all_types/c/1". */
        public String table() {
            return label.substring(0, label.indexOf('/'));
        }

        /** "c" of "all_types/c/1" (or "tombstone"). */
        public String op() {
            String[] parts = label.split("/");
            return parts.length == 3 ? parts[1] : "";
        }

        /** As a sink-side SMT sees it (topic, partition and offset known). */
        public SinkRecord record() {
            ConnectHeaders h = new ConnectHeaders();
            headers.forEach(h::addString);
            return new SinkRecord(topic, partition, key.schema(), key.value(), value.schema(), value.value(), offset,
                    null, TimestampType.NO_TIMESTAMP_TYPE, h);
        }

        @Override
        public String toString() {
            return label + "@" + offset;
        }
    }

    private Fixtures() {
    }

    public static boolean present() {
        return Fixtures.class.getClassLoader().getResource(WITH_SCHEMAS) != null
                && Fixtures.class.getClassLoader().getResource(WITHOUT_SCHEMAS) != null;
    }

    public static List<Fixture> withSchemas() {
        return load(WITH_SCHEMAS, true);
    }

    public static List<Fixture> withoutSchemas() {
        return load(WITHOUT_SCHEMAS, false);
    }

    public static List<Fixture> withTransactionPositions() {
        return load(TRANSACTION_POSITIONS, false);
    }

    static List<Fixture> load(String resource, boolean schemas) {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", schemas), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", schemas), false);
        ObjectMapper mapper = new ObjectMapper();
        List<Fixture> out = new ArrayList<>();
        InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + resource
                    + " (the lead generates it from the real Debezium connector)");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = mapper.readTree(line);
                String topic = n.get("topic").asText();
                Map<String, String> headers = new LinkedHashMap<>();
                n.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(),
                        e.getValue().isNull() ? null : e.getValue().asText()));
                out.add(new Fixture(n.get("label").asText(), topic, n.path("partition").asInt(),
                        n.path("offset").asLong(),
                        convert(keys, mapper, topic, n.get("key")), convert(values, mapper, topic, n.get("value")),
                        headers));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static SchemaAndValue convert(JsonConverter converter, ObjectMapper mapper, String topic, JsonNode node)
            throws IOException {
        if (node == null || node.isNull()) {
            return converter.toConnectData(topic, null);
        }
        return converter.toConnectData(topic, mapper.writeValueAsBytes(node));
    }
}
