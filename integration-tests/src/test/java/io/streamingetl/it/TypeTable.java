package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.docs.GeneratedSection;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The sink README's MySQL-to-ClickHouse type table, rendered from one real run: each column of the
 * fixtures' every-type table with its MariaDB type, the schema Debezium gives it (the committed
 * fixture, which {@link DebeziumFixturesTest} keeps equal to a fresh capture), the schema after the
 * enrich SMT (read from the pipeline's topic) and the ClickHouse column the sink created.
 */
final class TypeTable {
    static final GeneratedSection SECTION = GeneratedSection.named("type-table", "AvroPipelineTest");
    private static final Path README = StackLayout.repoRoot().resolve("connect-clickhouse-sink/README.md");

    private TypeTable() {
    }

    /** Renders the table from this run and compares it with the README (or rewrites it with -Dreadme.write=true). */
    static void check(Connection mariaDb, String bootstrapServers, String topic, ClickHouseServer clickHouse,
                      String database) throws SQLException, IOException {
        Map<String, String> mysql = new LinkedHashMap<>();
        for (String line : SourceDatabase.tsv(mariaDb, "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = 'fixtures_db' AND TABLE_NAME = 'all_types' ORDER BY ORDINAL_POSITION").split("\n")) {
            String[] kv = line.split("\t", 2);
            mysql.put(kv[0], kv[1]);
        }
        Map<String, String> debezium = fields(debeziumAfterSchema());
        Map<String, String> smt;
        try (TopicReader reader = new TopicReader(bootstrapServers, topic)) {
            ConsumerRecord<byte[], byte[]> first = reader.readAtLeast(1, Duration.ofSeconds(30)).get(0);
            smt = fields(Json.parse(first.value()).path("schema"));
        }
        Map<String, String> columns = new LinkedHashMap<>();
        for (String line : clickHouse.query("SELECT name, type FROM system.columns WHERE database = '" + database
                + "' AND table = 'all_types' ORDER BY position FORMAT TSVRaw").split("\n")) {
            String[] kv = line.split("\t", 2);
            columns.put(kv[0], kv[1]);
        }

        StringBuilder md = new StringBuilder("\n| MySQL column | Debezium schema | after the enrich SMT | ClickHouse column |\n"
                + "|---|---|---|---|\n");
        for (Map.Entry<String, String> field : smt.entrySet()) {
            String source = sourceColumn(field.getKey(), debezium);
            md.append("| ").append(source == null ? "(CDC metadata)" : "`" + source + "` " + mysql.getOrDefault(source, "?"))
                    .append(" | ").append(source == null ? "" : debezium.get(source))
                    .append(" | `").append(field.getKey()).append("` ").append(field.getValue())
                    .append(" | ").append(columns.getOrDefault(field.getKey(), "(not written)")).append(" |\n");
        }
        String rendered = md.toString();
        if (Boolean.getBoolean("readme.write")) {
            SECTION.write(README, rendered);
        }
        String section = SECTION.read(README);
        assertNotNull(section, README + " lacks the type-table markers");
        assertEquals(rendered.strip(), section.strip(), "README type table is stale: run AvroPipelineTest with -Dreadme.write=true");
    }

    /** The Debezium field a flattened SMT field comes from: itself, or the longest prefix before '_' (c_point -> c_point_x). */
    private static String sourceColumn(String field, Map<String, String> debezium) {
        if (debezium.containsKey(field)) {
            return field;
        }
        String best = null;
        for (String name : debezium.keySet()) {
            if (field.startsWith(name + "_") && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return best;
    }

    private static JsonNode debeziumAfterSchema() throws IOException {
        for (String line : Files.readAllLines(DebeziumFixturesTest.FIXTURES.resolve("with-schemas.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode record = Json.MAPPER.readTree(line);
            if (record.path("label").asText().equals("all_types/r/1")) {
                for (JsonNode f : record.path("value").path("schema").path("fields")) {
                    if (f.path("field").asText().equals("after")) {
                        return f;
                    }
                }
            }
        }
        throw new IllegalStateException("no all_types/r/1 record in the Debezium fixtures");
    }

    /** Field name -> its Connect schema in words: type, logical name, and the parameters that choose the column. */
    private static Map<String, String> fields(JsonNode struct) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode f : struct.path("fields")) {
            StringBuilder s = new StringBuilder(f.path("type").asText().toUpperCase(Locale.ROOT));
            if (f.hasNonNull("name")) {
                s.append(" `").append(f.path("name").asText()).append('`');
            }
            JsonNode p = f.path("parameters");
            for (String shown : List.of("connect.decimal.precision", "scale", "io.streamingetl.bits", "length")) {
                if (p.hasNonNull(shown)) {
                    s.append(' ').append(shown).append('=').append(p.path(shown).asText());
                }
            }
            if (p.hasNonNull("__debezium.source.column.type") && p.path("__debezium.source.column.type").asText().contains("UNSIGNED")) {
                s.append(" source ").append(p.path("__debezium.source.column.type").asText());
            }
            out.put(f.path("field").asText(), s.toString());
        }
        return out;
    }
}
