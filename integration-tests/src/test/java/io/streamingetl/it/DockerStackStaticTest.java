package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

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
import javax.xml.parsers.DocumentBuilderFactory;

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
    /** The optional replicated ClickHouse cluster: `docker compose --profile replicated up`. */
    private static final String PROFILE = "replicated";
    private static final String KEEPER = "clickhouse-keeper";
    private static final List<String> REPLICAS = List.of("clickhouse-r1", "clickhouse-r2");
    private static final String REGISTRAR = "register-replicated-sink";
    private static final List<String> REPLICATED_SERVICES = List.of(KEEPER, "clickhouse-r1", "clickhouse-r2", REGISTRAR);
    /** Services that run a command and stop (no healthcheck). */
    private static final Set<String> ONE_SHOT = Set.of("ksqldb-cli", REGISTRAR);
    private static final String REPLICATED_DIR = "docker/clickhouse-replicated";
    private static final String REPLICATED_SINK = REPLICATED_DIR + "/clickhouse-sink-replicated.json";
    /**
     * Debezium UI's release (frozen upstream; 2.4/2.5 fail against current workers, the maintainers
     * advise 2.3): its image and the release the worker's REST extension is copied from.
     */
    private static final String DEBEZIUM_UI_RELEASE = "2.3.3.Final";
    /** Where Debezium's Connect image keeps the REST extension ($EXTERNAL_LIBS_DIR). */
    private static final String REST_EXTENSION_SOURCE = "/kafka/external_libs/debezium-connect-rest-extension";
    /** The Dockerfile's ARG naming the REST extension class it installs. */
    private static final String REST_EXTENSION_ARG = "REST_EXTENSION_CLASS";
    /** The pipeline console for Connect 3.x (the stack's worker is Kafka 3.9). */
    private static final String CONSOLE_JAVAX = "io.streamingetl.console.javax.ConsoleRestExtension";
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
        Set<String> always = new TreeSet<>();
        names.stream().filter(n -> services.path(n).path("profiles").isMissingNode()).forEach(always::add);
        // docker-compose config lists every service; `up` without --profile starts only these.
        assertEquals(new TreeSet<>(List.of("zookeeper", "kafka", "schema-registry", "mysql", "connect",
                "ksqldb-server", "ksqldb-cli", "clickhouse", "kafka-ui", "debezium-ui")), always);
        Set<String> optional = new TreeSet<>(names);
        optional.removeAll(always);
        assertEquals(new TreeSet<>(REPLICATED_SERVICES), optional, "the services outside the default stack");
        ports.forEach((service, expected) -> {
            Set<String> published = new HashSet<>();
            for (JsonNode port : services.path(service).path("ports")) {
                published.add(port.isObject() ? port.path("published").asText() : port.asText().split(":")[0]);
            }
            assertTrue(published.containsAll(expected), service + " publishes " + published + ", expected " + expected);
        });
        Map<String, String> hostPorts = new HashMap<>();
        for (String name : names) {
            JsonNode service = services.path(name);
            assertTrue(service.path("networks").has(NETWORK), name + " is on " + NETWORK);
            // A service either runs a pinned image or is built (no `image:` then) from a Dockerfile
            // all of whose FROM images are pinned.
            List<String> images = new ArrayList<>();
            if (service.has("build")) {
                assertTrue(service.path("image").isMissingNode(), name + " is built: no `image:` to pull besides");
                for (List<String> from : dockerfile(name).instructions("FROM")) {
                    images.add(from.get(0));
                }
                assertFalse(images.isEmpty(), name + "'s Dockerfile has a FROM");
            } else {
                images.add(service.path("image").asText());
            }
            for (String image : images) {
                assertTrue(image.matches("[^$]+:[0-9v][^:]*") && !image.endsWith(":latest"), name + " pins its image: " + image);
            }
            if (!ONE_SHOT.contains(name)) {
                assertFalse(service.path("healthcheck").isMissingNode(), name + " has a healthcheck");
            }
            for (JsonNode port : service.path("ports")) {
                String published = port.isObject() ? port.path("published").asText() : port.asText().split(":")[0];
                String other = hostPorts.put(published, name);
                assertTrue(other == null, "host port " + published + " is published by " + other + " and " + name);
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

        // The MariaDB twin differs only where it must: connector class, connection, and MariaDB's
        // driver reading snapshot TIMESTAMPs in a UTC session (TypePathsTest; MySQL never runs here).
        Set<String> differing = new TreeSet<>();
        Set<String> keys = new HashSet<>(mysql.config().keySet());
        keys.addAll(mariadb.config().keySet());
        for (String key : keys) {
            if (!Objects.equals(mysql.config().get(key), mariadb.config().get(key))) {
                differing.add(key);
            }
        }
        assertEquals(new TreeSet<>(List.of("connector.class", "database.hostname", "driver.preserveInstants",
                "driver.sessionVariables", "driver.timezone", "schema.history.internal.kafka.bootstrap.servers")), differing);

        ConnectorConfig sink = ConnectorConfig.load("sink/clickhouse-sink.json");
        URI url = URI.create(sink.config().get("clickhouse.url"));
        assertTrue(compose.path("services").has(url.getHost()), url.toString());
        assertEquals(8123, url.getPort());

        // Every class the configs name is inside the archive mounted into the worker.
        assertInArchive("debezium-connector-mysql", mysql.config().get("connector.class"));
        assertInArchive("streamingetl-connect-enrich-smt", mysql.config().get("transforms.enrich.type"));
        assertInArchive("streamingetl-connect-clickhouse-sink", sink.config().get("connector.class"));
        // Plugins are isolated: each of ours carries the classes the three share.
        for (String plugin : List.of("streamingetl-connect-enrich-smt", "streamingetl-connect-clickhouse-sink",
                "streamingetl-connect-console")) {
            assertInArchive(plugin, "io.streamingetl.common.PluginVersion");
        }
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

    /**
     * The replicated cluster is optional: its services carry the profile (so a plain `up` and
     * deploy.sh leave them out), nothing in the default stack waits for them, and the file is valid
     * with the profile enabled too.
     */
    @Test
    void replicatedClusterIsAnOptionalProfile() throws Exception {
        JsonNode services = compose.path("services");
        for (String name : REPLICATED_SERVICES) {
            assertTrue(services.has(name), name + " is in docker-compose.yml");
            List<String> profiles = new ArrayList<>();
            services.path(name).path("profiles").forEach(p -> profiles.add(p.asText()));
            assertEquals(List.of(PROFILE), profiles, name + " runs only under the profile " + PROFILE);
        }
        services.fields().forEachRemaining(e -> {
            if (e.getValue().path("profiles").isMissingNode()) {
                for (String optional : REPLICATED_SERVICES) {
                    assertFalse(e.getValue().path("depends_on").has(optional),
                            e.getKey() + " (default stack) must not depend on " + optional + " (profile " + PROFILE + ")");
                }
            }
        });
        String out = run("docker-compose", "-f", "docker-compose.yml", "--profile", PROFILE, "config", "-q");
        assertEquals("", out.strip(), "docker-compose --profile " + PROFILE + " config -q");
    }

    /** Keeper and both replicas are the stack's ClickHouse release branch (the tested one). */
    @Test
    void replicatedImagesFollowTheStacksClickHouseReleaseBranch() {
        JsonNode services = compose.path("services");
        String server = services.path("clickhouse").path("image").asText();
        String branch = server.substring(server.lastIndexOf(':') + 1);
        assertTrue(branch.matches("\\d+\\.\\d+"), "the stack's ClickHouse is a release branch tag: " + server);
        for (String replica : REPLICAS) {
            assertEquals(server, services.path(replica).path("image").asText(), replica + " runs the stack's ClickHouse image");
        }
        assertEquals("clickhouse/clickhouse-keeper:" + branch, services.path(KEEPER).path("image").asText(),
                "Keeper is the same release branch as the servers");
    }

    /**
     * The config files the replicas and Keeper mount, the compose services and the replicated sink
     * config describe one cluster: same cluster name, same hosts in the same order, same ports,
     * the Keeper the servers point at is the Keeper service and its Raft member, and every macro
     * the sink's replica path and name use is defined on every replica.
     */
    @Test
    void replicasKeeperAndSinkConfigDescribeOneCluster() throws Exception {
        JsonNode services = compose.path("services");
        ConnectorConfig sink = replicatedSink();
        Map<String, String> config = sink.config();

        // Keeper: its mounted config, its Raft member and client port.
        Map<String, String> keeperMounts = bindMounts(KEEPER);
        Path keeperFile = root.resolve(REPLICATED_DIR + "/keeper_config.xml");
        assertEquals(keeperFile.toString(), keeperMounts.get("/etc/clickhouse-keeper/keeper_config.xml"));
        Element keeperServer = child(xml(keeperFile), "keeper_server");
        String keeperPort = text(keeperServer, "tcp_port");
        String keeperHost = services.path(KEEPER).path("hostname").asText();
        List<Element> raft = children(child(keeperServer, "raft_configuration"), "server");
        assertEquals(1, raft.size(), "one Keeper node");
        assertEquals(keeperHost, text(raft.get(0), "hostname"), "the Raft member is the Keeper service");
        assertEquals(text(keeperServer, "server_id"), text(raft.get(0), "id"), "server_id is the Raft member's id");
        assertTrue(services.path(KEEPER).path("healthcheck").toString().contains("/" + keeperPort),
                "Keeper's healthcheck asks the client port " + keeperPort);

        // The shared server config: cluster, Keeper, distributed DDL.
        Path clusterFile = root.resolve(REPLICATED_DIR + "/cluster.xml");
        Element cluster = xml(clusterFile);
        List<Element> clusters = children(child(cluster, "remote_servers"), null);
        assertEquals(1, clusters.size(), "one cluster in <remote_servers>");
        assertEquals(config.get("cluster"), clusters.get(0).getTagName(), "the sink's cluster is the one in <remote_servers>");
        List<Element> zkNodes = children(child(cluster, "zookeeper"), "node");
        assertFalse(zkNodes.isEmpty(), "<zookeeper> names Keeper");
        for (Element node : zkNodes) {
            assertEquals(keeperHost, text(node, "host"), "<zookeeper> points at the Keeper service");
            assertEquals(keeperPort, text(node, "port"), "<zookeeper> uses Keeper's tcp_port");
        }
        assertFalse(text(child(cluster, "distributed_ddl"), "path").isBlank(), "distributed DDL is enabled (ON CLUSTER)");

        // remote_servers against cluster.shards: same shards, same replicas in the same order.
        List<List<String>> remoteShards = new ArrayList<>();
        for (Element shard : children(clusters.get(0), "shard")) {
            assertEquals("true", text(shard, "internal_replication"), "internal_replication (Replicated* tables copy the data)");
            List<String> hosts = new ArrayList<>();
            for (Element replica : children(shard, "replica")) {
                hosts.add(text(replica, "host"));
                assertEquals("9000", text(replica, "port"), "replicas talk over the native port");
            }
            remoteShards.add(hosts);
        }
        assertEquals(List.of(REPLICAS), remoteShards, "ONE shard of the two replicas");
        List<List<String>> sinkShards = new ArrayList<>();
        for (String shard : config.get("cluster.shards").split(",")) {
            List<String> hosts = new ArrayList<>();
            for (String replicaUrl : shard.split("\\|")) {
                URI url = URI.create(replicaUrl.trim());
                assertEquals("http", url.getScheme(), replicaUrl);
                assertEquals(8123, url.getPort(), replicaUrl + " is the replica's HTTP port");
                assertTrue(services.has(url.getHost()), url.getHost() + " (cluster.shards) is a compose service");
                assertEquals(url.getHost(), services.path(url.getHost()).path("hostname").asText(), url.getHost() + "'s hostname");
                hosts.add(url.getHost());
            }
            sinkShards.add(hosts);
        }
        assertEquals(remoteShards, sinkShards, "cluster.shards lists the shards and replicas of <remote_servers>, in order");
        if (config.containsKey("clickhouse.url") && !config.get("clickhouse.url").isBlank()) {
            assertTrue(REPLICAS.contains(URI.create(config.get("clickhouse.url")).getHost()), config.get("clickhouse.url"));
        }

        // Each replica: mounts, macros, interserver host, its database, waits for Keeper.
        Set<String> replicaMacros = new HashSet<>();
        Set<String> macroNames = null;
        for (String replica : REPLICAS) {
            JsonNode service = services.path(replica);
            assertEquals(replica, service.path("hostname").asText(), replica + " is reachable under its own name");
            Map<String, String> mounts = bindMounts(replica);
            assertEquals(clusterFile.toString(), mounts.get("/etc/clickhouse-server/config.d/cluster.xml"), replica);
            String own = mounts.get("/etc/clickhouse-server/config.d/replica.xml");
            assertNotNull(own, replica + " mounts its own replica.xml");
            Element replicaXml = xml(Path.of(own));
            Element macros = child(replicaXml, "macros");
            assertEquals("1", text(macros, "shard"), replica + ": one shard");
            assertTrue(replicaMacros.add(text(macros, "replica")), replica + " has its own {replica} macro");
            assertEquals(replica.substring(replica.lastIndexOf('-') + 1), text(macros, "replica"), replica + "'s {replica}");
            assertEquals(replica, text(replicaXml, "interserver_http_host"), replica + " announces itself to the other replica");
            Set<String> defined = new TreeSet<>();
            children(macros, null).forEach(m -> defined.add(m.getTagName()));
            if (macroNames != null) {
                assertEquals(macroNames, defined, "the replicas define the same macros");
            }
            macroNames = defined;
            assertEquals(config.get("clickhouse.database"), service.path("environment").path("CLICKHOUSE_DB").asText(),
                    replica + " creates the sink's database");
            assertTrue(service.path("depends_on").has(KEEPER), replica + " waits for Keeper");
            boolean publishesHttp = false;
            for (JsonNode port : service.path("ports")) {
                publishesHttp |= port.path("target").asText().equals("8123");
            }
            assertTrue(publishesHttp, replica + " serves HTTP on 8123");
        }
        // Macros of the sink's Replicated* paths: {database}, {table} and {uuid} are the server's own.
        String macroText = config.getOrDefault("cluster.replica.path", "/clickhouse/tables/{shard}/{database}/{table}")
                + config.getOrDefault("cluster.replica.name", "{replica}");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(macroText);
        while (m.find()) {
            if (!Set.of("database", "table", "uuid").contains(m.group(1))) {
                assertTrue(macroNames.contains(m.group(1)), "{" + m.group(1) + "} (sink config) is a macro of the replicas");
            }
        }
    }

    /**
     * The replicated sink is the CDC sink pointed at the cluster: same topics and handling, its own
     * connector name, database and dead-letter topic; it is registered only under the profile.
     */
    @Test
    void replicatedSinkIsTheCdcSinkOnTheCluster() throws Exception {
        ConnectorConfig main = ConnectorConfig.load("sink/clickhouse-sink.json");
        ConnectorConfig replicated = replicatedSink();
        Set<String> differing = new TreeSet<>();
        Set<String> keys = new HashSet<>(main.config().keySet());
        keys.addAll(replicated.config().keySet());
        for (String key : keys) {
            if (!Objects.equals(main.config().get(key), replicated.config().get(key))) {
                differing.add(key);
            }
        }
        differing.removeIf(k -> k.startsWith("cluster"));
        assertEquals(new TreeSet<>(List.of("clickhouse.url", "clickhouse.database", "errors.deadletterqueue.topic.name")),
                differing, "beyond cluster.*, only the connection, database and dead-letter topic differ");
        assertEquals(PROFILE, replicated.config().get("cluster"));
        assertEquals("ON_CLUSTER", replicated.config().get("cluster.ddl"));
        assertEquals("true", replicated.config().get("cluster.replicated"));
        for (ConnectorConfig other : List.of(main, ConnectorConfig.load("sink/clickhouse-sink-enriched.json"))) {
            assertFalse(other.name().equals(replicated.name()), "its own connector name");
            assertFalse(other.config().get("clickhouse.database").equals(replicated.config().get("clickhouse.database")),
                    "its own database, beside " + other.name() + "'s");
            assertFalse(other.config().get("errors.deadletterqueue.topic.name")
                    .equals(replicated.config().get("errors.deadletterqueue.topic.name")), "its own dead-letter topic");
        }
        assertInArchive("streamingetl-connect-clickhouse-sink", replicated.config().get("connector.class"));

        // deploy.sh registers every connector-configs/sink/*.json, profile or not: not there.
        String script = Files.readString(root.resolve("scripts/docker-stack.sh"));
        assertTrue(script.contains("connector-configs/sink/*.json"), "docker-stack.sh registers connector-configs/sink/*.json");
        try (var sinks = Files.list(root.resolve("connector-configs/sink"))) {
            for (Path file : sinks.toList()) {
                assertFalse(ConnectorConfig.load("sink/" + file.getFileName()).config().containsKey("cluster.shards"),
                        file + " would be registered without the profile " + PROFILE);
            }
        }
        // The profile's one-shot registrar posts this file, named as in it, once Connect and the replicas are healthy.
        JsonNode registrar = compose.path("services").path(REGISTRAR);
        String target = null;
        for (Map.Entry<String, String> mount : bindMounts(REGISTRAR).entrySet()) {
            if (mount.getValue().equals(root.resolve(REPLICATED_SINK).toString())) {
                target = mount.getKey();
            }
        }
        assertNotNull(target, REGISTRAR + " mounts " + REPLICATED_SINK);
        String command = registrar.path("command").toString().replace("$$", "$");
        assertTrue(command.contains("name=" + replicated.name()) && command.contains("@/connector/$name.json")
                && target.equals("/connector/" + replicated.name() + ".json"), "the registrar posts " + target + ": " + command);
        URI connect = URI.create(command.replaceAll("(?s).*url=(http://[^\\\\\\s\"]+).*", "$1"));
        assertEquals("connect", connect.getHost());
        assertEquals(env("connect", "CONNECT_REST_PORT"), String.valueOf(connect.getPort()));
        for (String dependency : List.of("connect", "clickhouse-r1", "clickhouse-r2")) {
            assertEquals("service_healthy", registrar.path("depends_on").path(dependency).path("condition").asText(),
                    REGISTRAR + " waits for " + dependency);
        }
    }

    /**
     * The worker is built (docker/connect/Dockerfile) on the stack's Confluent Platform release and
     * installs Debezium's Connect REST extension on its plugin path; the compose file enables
     * exactly the class the Dockerfile installs and checks.
     */
    @Test
    void connectWorkerIsBuiltWithDebeziumsRestExtension() throws java.io.IOException {
        JsonNode services = compose.path("services");
        Dockerfile dockerfile = dockerfile("connect");
        assertEquals(root.resolve("docker/connect/Dockerfile"), dockerfile.path(), "the worker's Dockerfile");
        List<List<String>> froms = dockerfile.instructions("FROM");
        String kafka = services.path("kafka").path("image").asText();
        assertEquals("confluentinc/cp-kafka-connect:" + kafka.substring(kafka.lastIndexOf(':') + 1),
                froms.get(froms.size() - 1).get(0), "the worker is the broker's Confluent Platform release");

        // COPY --from=<the Debezium Connect stage> <its extension folder> <a folder of its own on plugin.path>
        String stage = debeziumConnectStage(dockerfile).getKey();
        String target = null;
        for (List<String> copy : dockerfile.instructions("COPY")) {
            if (copy.contains("--from=" + stage)) {
                List<String> paths = copy.stream().filter(t -> !t.startsWith("--")).toList();
                assertEquals(List.of(REST_EXTENSION_SOURCE), paths.subList(0, paths.size() - 1),
                        "the worker copies Debezium's REST extension folder from " + stage);
                target = paths.get(paths.size() - 1);
            }
        }
        assertNotNull(target, "the Dockerfile copies the REST extension from the stage " + stage);
        String pluginDir = target;
        String parent = Path.of(target).getParent().toString();
        assertTrue(List.of(env("connect", "CONNECT_PLUGIN_PATH").split(",")).contains(parent),
                target + " is a plugin folder in CONNECT_PLUGIN_PATH " + env("connect", "CONNECT_PLUGIN_PATH"));
        for (String mounted : bindMounts("connect").keySet()) {
            assertFalse((target + "/").startsWith(mounted + "/"), target + " is hidden by the bind mount at " + mounted);
        }

        // The class: declared once in the Dockerfile, checked in the installed jars at build time, enabled by compose.
        String declared = null;
        for (List<String> arg : dockerfile.instructions("ARG")) {
            if (arg.get(0).startsWith(REST_EXTENSION_ARG + "=")) {
                declared = arg.get(0).substring(REST_EXTENSION_ARG.length() + 1);
            }
        }
        assertNotNull(declared, "the Dockerfile declares ARG " + REST_EXTENSION_ARG);
        assertTrue(declared.matches("([a-z_][a-z0-9_]*\\.)+[A-Z]\\w*"), "a class name: " + declared);
        assertTrue(dockerfile.runs().stream().anyMatch(run -> run.contains(pluginDir) && run.contains("$" + REST_EXTENSION_ARG)
                        && run.contains("META-INF/services/org.apache.kafka.connect.rest.ConnectRestExtension")),
                "a RUN fails the build unless a jar in " + pluginDir + " holds " + declared + " and registers a REST extension");
        assertEquals(List.of(declared, CONSOLE_JAVAX), List.of(env("connect", "CONNECT_REST_EXTENSION_CLASSES").split(",")),
                "CONNECT_REST_EXTENSION_CLASSES enables exactly the extension the Dockerfile installs and our console");
        // The console's Connect 3.x flavour ships in the archive mounted at /connect-plugins.
        assertTrue(Files.exists(root.resolve("connect-console-javax/src/main/java/"
                + CONSOLE_JAVAX.replace('.', '/') + ".java")), CONSOLE_JAVAX + " is ours");
        assertTrue(Files.readString(root.resolve("packaging/src/assembly/connect-console.xml"))
                .contains("io.streamingetl:connect-console-javax"), "the console archive carries the javax flavour");
    }

    /**
     * Debezium UI is frozen upstream; 2.3 is the release its maintainers advise (2.4/2.5 call REST
     * extension paths Debezium renamed). Its image and the worker's extension are the same release.
     */
    @Test
    void debeziumUiIsTheReleaseOfTheWorkersRestExtension() {
        JsonNode ui = compose.path("services").path("debezium-ui");
        assertEquals("quay.io/debezium/debezium-ui:" + DEBEZIUM_UI_RELEASE, ui.path("image").asText());
        assertEquals("quay.io/debezium/connect:" + DEBEZIUM_UI_RELEASE, debeziumConnectStage(dockerfile("connect")).getValue(),
                "the worker's REST extension comes from the UI's release");
        URI connect = URI.create(env("debezium-ui", "KAFKA_CONNECT_URIS"));
        assertEquals("connect", connect.getHost());
        assertEquals(env("connect", "CONNECT_REST_PORT"), String.valueOf(connect.getPort()));
        assertEquals("service_healthy", ui.path("depends_on").path("connect").path("condition").asText());
    }

    /**
     * Kafka UI is kafbat's maintained fork, wired (with the variable names kafbat documents) to
     * Kafka, the Connect worker, the Schema Registry and ksqlDB: each names a compose service and
     * the port that service listens on.
     */
    @Test
    void kafkaUiIsKafbatsForkWiredToTheStack() {
        JsonNode ui = compose.path("services").path("kafka-ui");
        String image = ui.path("image").asText();
        assertTrue(image.matches("ghcr\\.io/kafbat/kafka-ui:v\\d+\\.\\d+\\.\\d+"), "kafbat's image, pinned: " + image);
        assertFalse(env("kafka-ui", "KAFKA_CLUSTERS_0_NAME").isBlank(), "the cluster has a name");

        String bootstrap = env("kafka-ui", "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS");
        assertFalse(bootstrap.isBlank(), "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS");
        for (String server : bootstrap.split(",")) {
            String host = server.substring(0, server.lastIndexOf(':'));
            assertTrue(compose.path("services").has(host), server + ": " + host + " is a service");
            assertTrue(env(host, "KAFKA_ADVERTISED_LISTENERS").contains("://" + server),
                    server + " is a listener " + host + " advertises: " + env(host, "KAFKA_ADVERTISED_LISTENERS"));
        }
        assertServedBy("KAFKA_CLUSTERS_0_SCHEMAREGISTRY", "SCHEMA_REGISTRY_LISTENERS");
        assertServedBy("KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS", "CONNECT_REST_PORT");
        assertFalse(env("kafka-ui", "KAFKA_CLUSTERS_0_KAFKACONNECT_0_NAME").isBlank(), "the Connect cluster has a name");
        assertServedBy("KAFKA_CLUSTERS_0_KSQLDBSERVER", "KSQL_LISTENERS");

        // The healthcheck asks Spring Boot's health endpoint on the port the UI serves and publishes (9099).
        String target = null;
        for (JsonNode port : ui.path("ports")) {
            if ((port.isObject() ? port.path("published").asText() : port.asText().split(":")[0]).equals("9099")) {
                target = port.isObject() ? port.path("target").asText() : port.asText().split(":")[1].split("/")[0];
            }
        }
        assertNotNull(target, "kafka-ui publishes 9099");
        String healthcheck = ui.path("healthcheck").path("test").toString();
        assertTrue(healthcheck.contains(":" + target + "/actuator/health") && healthcheck.contains("wget"),
                "busybox wget on /actuator/health, port " + target + ": " + healthcheck);
    }

    /** {@code variable} of kafka-ui is an http URL naming a service and the port its {@code listener} variable sets. */
    private static void assertServedBy(String variable, String listener) {
        String value = env("kafka-ui", variable);
        assertFalse(value.isBlank(), "kafka-ui sets " + variable);
        URI url = URI.create(value);
        assertEquals("http", url.getScheme(), variable + "=" + value);
        assertTrue(compose.path("services").has(url.getHost()), variable + ": " + url.getHost() + " is a service");
        String listens = env(url.getHost(), listener);
        assertFalse(listens.isBlank(), url.getHost() + " sets " + listener);
        String port = String.valueOf(url.getPort());
        assertTrue(List.of(listens.split(",")).stream().anyMatch(l -> l.equals(port) || l.endsWith(":" + port)),
                variable + "=" + value + ": " + url.getHost() + " listens on " + listener + "=" + listens);
    }

    /** The Debezium Connect image stage of the worker's Dockerfile: alias -> image. */
    private static Map.Entry<String, String> debeziumConnectStage(Dockerfile dockerfile) {
        Map.Entry<String, String> stage = null;
        for (List<String> from : dockerfile.instructions("FROM")) {
            if (from.get(0).startsWith("quay.io/debezium/connect:")) {
                assertEquals(3, from.size(), "FROM " + from.get(0) + " AS <stage>");
                assertTrue(from.get(1).equalsIgnoreCase("AS"), from.toString());
                assertTrue(from.get(0).matches(".+:\\d+\\.\\d+\\.\\d+\\.Final"), "a Debezium release: " + from.get(0));
                stage = Map.entry(from.get(2), from.get(0));
            }
        }
        assertNotNull(stage, dockerfile.path() + " has a quay.io/debezium/connect stage");
        return stage;
    }

    /** A compose service's Dockerfile, from its normalised build context. */
    private static Dockerfile dockerfile(String service) {
        JsonNode build = compose.path("services").path(service).path("build");
        assertTrue(build.path("context").isTextual(), service + " has a build context");
        Path file = Path.of(build.path("context").asText()).resolve(build.path("dockerfile").asText("Dockerfile"));
        assertTrue(Files.isRegularFile(file), service + "'s Dockerfile " + file + " exists");
        return Dockerfile.parse(file);
    }

    /** A Dockerfile's instructions: comments dropped, continued lines joined. */
    private record Dockerfile(Path path, List<Map.Entry<String, String>> lines) {
        static Dockerfile parse(Path file) {
            List<Map.Entry<String, String>> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.strip().startsWith("#") || (line.isBlank() && current.isEmpty())) {
                        continue;
                    }
                    line = line.stripTrailing();
                    boolean continued = line.endsWith("\\");
                    current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
                    if (!continued) {
                        String text = current.toString().strip();
                        current.setLength(0);
                        String[] parts = text.split("\\s+", 2);
                        lines.add(Map.entry(parts[0].toUpperCase(java.util.Locale.ROOT), parts.length > 1 ? parts[1] : ""));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertTrue(current.isEmpty(), file + " ends inside a continued line");
            return new Dockerfile(file, lines);
        }

        /** The arguments of every {@code keyword} instruction, split on whitespace. */
        List<List<String>> instructions(String keyword) {
            return lines.stream().filter(l -> l.getKey().equals(keyword)).map(l -> List.of(l.getValue().split("\\s+"))).toList();
        }

        List<String> runs() {
            return lines.stream().filter(l -> l.getKey().equals("RUN")).map(Map.Entry::getValue).toList();
        }
    }

    private static ConnectorConfig replicatedSink() {
        return ConnectorConfig.load(root, "../" + REPLICATED_SINK);
    }

    /** Bind mounts of a service, container path -> absolute host path. */
    private static Map<String, String> bindMounts(String service) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode v : compose.path("services").path(service).path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts.length >= 2 && parts[0].startsWith("/")) {
                assertTrue(Files.isRegularFile(Path.of(parts[0])) || Files.isDirectory(Path.of(parts[0])),
                        service + " mounts " + parts[0] + ", which exists");
                mounts.put(parts[1], parts[0]);
            }
        }
        return mounts;
    }

    private static Element xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element rootElement = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        assertEquals("clickhouse", rootElement.getTagName(), file + " is a ClickHouse config");
        return rootElement;
    }

    /** Child elements named {@code name}, or all child elements when it is null. */
    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && (name == null || e.getTagName().equals(name))) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), "one <" + name + "> in <" + parent.getTagName() + ">");
        return found.get(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
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
