package io.streamingetl.enrichment;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * The enrichment application: {@code EnrichmentApp --bootstrap-servers H:P --state-dir DIR
 * [--application-id ID]}. Waits for the SMT's three topics (Debezium creates them with its
 * snapshot), creates the two output topics, then runs {@link EnrichmentTopology} until SIGTERM.
 */
public final class EnrichmentApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentApp.class);
    public static final String DEFAULT_APPLICATION_ID = "streaming-etl-enrichment";

    private final Properties props;
    private KafkaStreams streams;

    public EnrichmentApp(String bootstrapServers, String stateDir, String applicationId) {
        props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // The city counter applies +1/-1 deltas: at-least-once would apply the deltas processed
        // after the last commit twice when a killed instance restarts (found by kill -9 mid-workload
        // in LocalDeployEndToEndTest). Exactly-once commits state, output and input offsets together.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Rows reach ClickHouse within about a second (the sink reads committed output only); the
        // record caches still collapse bursts per key.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        // Static membership: one app instance per application id here, so after a kill -9 the
        // restarted instance takes its place at once instead of waiting out the old session.
        props.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                applicationId + "-1");
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = parse(args);
        String bootstrap = require(options, "--bootstrap-servers");
        String stateDir = require(options, "--state-dir");
        String id = options.getOrDefault("--application-id", DEFAULT_APPLICATION_ID);
        CountDownLatch failed = new CountDownLatch(1);
        EnrichmentApp app = new EnrichmentApp(bootstrap, stateDir, id);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "enrichment-shutdown"));
        app.start(Duration.ofMinutes(30), failed);
        failed.await();
        // ERROR: the streams threads are gone; exit so that the supervisor (status, deploy.sh) sees it.
        System.exit(1);
    }

    /** Waits up to {@code topicWait} for the input topics, then starts the streams threads. */
    public void start(Duration topicWait) {
        start(topicWait, new CountDownLatch(1));
    }

    private void start(Duration topicWait, CountDownLatch failed) {
        prepareTopics(topicWait);
        streams = new KafkaStreams(EnrichmentTopology.build(props), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("enrichment stopped on an error; fix the cause and restart", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("enrichment state {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                failed.countDown();
            }
        });
        streams.start();
        LOG.info("enrichment started: {} + {} + {} -> {}, {}", EnrichmentTopology.PERSON_TOPIC,
                EnrichmentTopology.ADDRESS_TOPIC, EnrichmentTopology.GEO_TOPIC, EnrichmentTopology.ENRICHED_TOPIC,
                EnrichmentTopology.PEOPLE_PER_CITY_TOPIC);
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    private void prepareTopics(Duration wait) {
        Set<String> inputs = Set.of(EnrichmentTopology.PERSON_TOPIC, EnrichmentTopology.ADDRESS_TOPIC,
                EnrichmentTopology.GEO_TOPIC);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))) {
            long deadline = System.nanoTime() + wait.toNanos();
            long lastLog = 0;
            while (!admin.listTopics().names().get().containsAll(inputs)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("input topics " + inputs + " did not appear within " + wait
                            + "; is the Debezium source connector running?");
                }
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    LOG.info("waiting for the input topics {} (Debezium creates them with its snapshot)", inputs);
                    lastLog = System.nanoTime();
                }
                Thread.sleep(500);
            }
            for (String topic : List.of(EnrichmentTopology.ENRICHED_TOPIC, EnrichmentTopology.PEOPLE_PER_CITY_TOPIC)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (streams != null) {
            // Leave the group: otherwise the next start (./terminate.sh then ./deploy.sh) sits in
            // REBALANCING until the old member's session times out (45 s by default).
            streams.close(org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(30))
                    .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("unexpected argument " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            usage("missing " + name);
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: EnrichmentApp --bootstrap-servers HOST:PORT --state-dir DIR"
                + " [--application-id ID]");
        System.exit(2);
    }
}
