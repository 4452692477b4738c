package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Docker engine runs here, so the stack is checked statically: docker-compose validates the
 * file, and its normalised form is cross-checked against the ports, network, mounted paths and
 * connector configs the rest of the project relies on.
 */
class DockerStackStaticTest {
    private static final String NETWORK = "streaming_etl_pipeline_mysql_webproxy";
    private static JsonNode compose;
    private static Path root;

    @BeforeAll
    static void normalise() throws Exception {
        root = StackLayout.repoRoot();
        Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config timed out");
        assertEquals(0, p.exitValue(), "docker-compose config rejects docker-compose.yml:\n" + out);
        compose = new ObjectMapper(new YAMLFactory()).readTree(out);
    }

    @Test
    void everyServiceTheStackNeedsIsThereOnItsPortsAndNetwork() {
        Map<String, Set<String>> ports = Map.of(
                "kafka", Set.of("29092"), "schema-registry", Set.of("8081"), "mysql", Set.of("3306"),
                "connect", Set.of("8083"), "ksqldb-server", Set.of("8088"), "clickhouse", Set.of("8123", "9000"),
                "kafka-ui", Set.of("9099"), "debezium-ui", Set.of("8080"));
        JsonNode services = compose.path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(List.of("zookeeper", "kafka", "schema-registry", "mysql", "connect",
                "ksqldb-server", "ksqldb-cli", "clickhouse", "kafka-ui", "debezium-ui")), names);
        ports.forEach((service, expected) -> {
            Set<String> published = new HashSet<>();
            for (JsonNode port : services.path(service).path("ports")) {
                published.add(port.isObject() ? port.path("published").asText() : port.asText().split(":")[0]);
            }
            assertTrue(published.containsAll(expected), service + " publishes " + published + ", expected " + expected);
        });
        for (String name : names) {
            JsonNode service = services.path(name);
            assertTrue(service.path("networks").has(NETWORK), name + " is on " + NETWORK);
            String image = service.path("image").asText();
            assertTrue(image.matches(".+:[0-9v][^:]*") && !image.endsWith(":latest"), name + " pins its image: " + image);
            if (!name.equals("ksqldb-cli")) {
                assertFalse(service.path("healthcheck").isMissingNode(), name + " has a healthcheck");
            }
        }
        assertEquals(NETWORK, compose.path("networks").path(NETWORK).path("name").asText());
    }

    /** The Docker stack's ClickHouse is the release branch the tests run: types and date ranges are the tested ones. */
    @Test
    void clickHouseImageIsTheTestedReleaseBranch() {
        String tested = System.getProperty("chdb.npm.version"); // e.g. 26.7.3-stable.1
        assertNotNull(tested, "chdb.npm.version is passed by the pom");
        String branch = tested.replaceAll("^(\\d+\\.\\d+)\\..*", "$1");
        assertEquals("clickhouse/clickhouse-server:" + branch, compose.path("services").path("clickhouse").path("image").asText());
    }

    @Test
    void mountedPathsAreWhatTheProjectBuilds() {
        Map<String, String> mounts = new HashMap<>();
        compose.path("services").fields().forEachRemaining(e -> {
            for (JsonNode v : e.getValue().path("volumes")) {
                // docker-compose 1.29 normalises to "source:target:mode"; bind mounts have absolute sources.
                String[] parts = v.asText().split(":");
                if (parts.length >= 2 && parts[0].startsWith("/")) {
                    mounts.put(e.getKey() + ":" + parts[1], parts[0]);
                }
            }
        });
        assertEquals(root.resolve("connector-configs/sql").toString(), mounts.get("mysql:/docker-entrypoint-initdb.d"));
        Path plugins = Path.of(mounts.get("connect:/connect-plugins"));
        assertEquals(StackLayout.pluginPath(), plugins);
        String pluginPath = env("connect", "CONNECT_PLUGIN_PATH");
        assertTrue(List.of(pluginPath.split(",")).contains("/connect-plugins"), pluginPath);
        for (String dir : List.of("streamingetl-connect-enrich-smt", "streamingetl-connect-clickhouse-sink",
                "debezium-connector-mysql")) {
            assertTrue(Files.isDirectory(plugins.resolve(dir)), plugins.resolve(dir) + " is built by packaging");
        }
    }

    @Test
    void connectorConfigsPointAtTheStacksServices() throws Exception {
        ConnectorConfig mysql = ConnectorConfig.load("source/mysql-source.json");
        ConnectorConfig mariadb = ConnectorConfig.load("source/mariadb-source.json");
        assertEquals("streaming_ETL_pipeline_MySQL-connector", mysql.name());
        assertEquals(mysql.name(), mariadb.name());
        assertEquals("dbserver", mysql.config().get("topic.prefix"));
        assertEquals("streaming_etl_db", mysql.config().get("database.include.list"));
        assertTrue(compose.path("services").has(mysql.config().get("database.hostname")));
        assertEquals("3306", mysql.config().get("database.port"));
        assertEquals("kafka:9092", mysql.config().get("schema.history.internal.kafka.bootstrap.servers"));
        assertEquals("kafka:9092", env("connect", "CONNECT_BOOTSTRAP_SERVERS"));

        // The MariaDB twin differs only where it must: connector class and connection.
        Set<String> differing = new TreeSet<>();
        Set<String> keys = new HashSet<>(mysql.config().keySet());
        keys.addAll(mariadb.config().keySet());
        for (String key : keys) {
            if (!Objects.equals(mysql.config().get(key), mariadb.config().get(key))) {
                differing.add(key);
            }
        }
        assertEquals(new TreeSet<>(List.of("connector.class", "database.hostname",
                "schema.history.internal.kafka.bootstrap.servers")), differing);

        ConnectorConfig sink = ConnectorConfig.load("sink/clickhouse-sink.json");
        URI url = URI.create(sink.config().get("clickhouse.url"));
        assertTrue(compose.path("services").has(url.getHost()), url.toString());
        assertEquals(8123, url.getPort());

        // Every class the configs name is inside the archive mounted into the worker.
        assertInArchive("debezium-connector-mysql", mysql.config().get("connector.class"));
        assertInArchive("streamingetl-connect-enrich-smt", mysql.config().get("transforms.enrich.type"));
        assertInArchive("streamingetl-connect-clickhouse-sink", sink.config().get("connector.class"));
    }

    @Test
    void changeEventsAreAvroThroughTheSchemaRegistry() {
        String registry = "http://schema-registry:8081";
        for (String side : List.of("KEY", "VALUE")) {
            assertEquals("io.confluent.connect.avro.AvroConverter", env("connect", "CONNECT_" + side + "_CONVERTER"));
            assertEquals(registry, env("connect", "CONNECT_" + side + "_CONVERTER_SCHEMA_REGISTRY_URL"));
        }
        // The URL names the registry service on the port it listens on, and Kafka UI shows the same registry.
        URI url = URI.create(registry);
        assertTrue(compose.path("services").has(url.getHost()), url.getHost() + " is a service");
        assertTrue(env(url.getHost(), "SCHEMA_REGISTRY_LISTENERS").endsWith(":" + url.getPort()),
                env(url.getHost(), "SCHEMA_REGISTRY_LISTENERS"));
        assertTrue(compose.path("services").path("connect").path("depends_on").has(url.getHost()));
        assertEquals(registry, env("kafka-ui", "KAFKA_CLUSTERS_0_SCHEMAREGISTRY"));
        // Confluent's converter ships in the image under /usr/share/java, which must stay on the plugin path.
        assertTrue(List.of(env("connect", "CONNECT_PLUGIN_PATH").split(",")).contains("/usr/share/java"));

        // The source and the CDC sink use the worker's (Avro) converters; the enriched sink reads the
        // JSON envelope that ksqlDB / Kafka Streams write, so it names JsonConverter itself.
        assertFalse(ConnectorConfig.load("source/mysql-source.json").config().containsKey("value.converter"));
        assertFalse(ConnectorConfig.load("sink/clickhouse-sink.json").config().containsKey("value.converter"));
        Map<String, String> enriched = ConnectorConfig.load("sink/clickhouse-sink-enriched.json").config();
        for (String side : List.of("key", "value")) {
            assertEquals("org.apache.kafka.connect.json.JsonConverter", enriched.get(side + ".converter"));
            assertEquals("true", enriched.get(side + ".converter.schemas.enable"));
        }
    }

    /** The SMT's _version needs event-level binlog positions: no compressed transaction payloads. */
    @Test
    void mysqlReportsEventLevelBinlogPositions() {
        List<String> command = new ArrayList<>();
        compose.path("services").path("mysql").path("command").forEach(c -> command.add(c.asText()));
        assertTrue(command.contains("--binlog-format=ROW") && command.contains("--binlog-row-image=FULL")
                && command.contains("--binlog-transaction-compression=OFF"), command.toString());
    }

    /**
     * Every topic the ksqlDB statements write is created compacted before they run: keyed tables and
     * re-keyed streams keep each key for a rebuilt query, and the people-per-city topics carry binlog
     * versions as record times, which time-based retention would expire at once.
     */
    @Test
    void ksqlTopicsAreCreatedCompactedBeforeTheStatements() throws Exception {
        String script = Files.readString(root.resolve("scripts/docker-stack.sh"));
        assertTrue(script.contains("--config cleanup.policy=compact"), "topics created compacted");
        assertTrue(script.contains("grep -ho \"KAFKA_TOPIC = 'streaming_etl") && script.contains("connector-configs/ksql/*.sql"),
                "the topic list comes from the statements themselves");
        int create = script.indexOf("    create_ksql_topics\n");
        int subjects = script.indexOf("    wait_for_subjects\n", create);
        int apply = script.indexOf("apply_ksql \"$ksql\"", create);
        assertTrue(create > 0 && subjects > create && apply > subjects,
                "topics are created and the registry subjects awaited before the statements");
        for (String table : List.of("person", "address", "geo")) {
            assertTrue(script.contains("dbserver.streaming_etl_db." + table + "-value"), "waits for the " + table + " subject");
        }
        String aggregate = Files.readString(root.resolve("connector-configs/ksql/02-people-per-city.sql"));
        assertTrue(aggregate.contains("TIMESTAMP = '_version'") && aggregate.contains("`_version` := ROWTIME")
                && !aggregate.contains("ROWOFFSET)"), "the aggregate's version comes from the binlog versions");
    }

    private static void assertInArchive(String pluginDir, String className) throws Exception {
        assertNotNull(className);
        String entry = className.replace('.', '/') + ".class";
        Path dir = StackLayout.pluginPath().resolve(pluginDir);
        try (var jars = Files.walk(dir)) {
            for (Path jar : jars.filter(f -> f.toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    if (zip.getEntry(entry) != null) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError(className + " is in no jar under " + dir);
    }

    private static String env(String service, String variable) {
        return compose.path("services").path(service).path("environment").path(variable).asText();
    }
}
