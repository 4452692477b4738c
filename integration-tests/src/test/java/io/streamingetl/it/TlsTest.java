package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.process.Commands;
import io.streamingetl.localstack.process.ManagedProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * https to ClickHouse with a certificate the user supplies: a self-signed certificate made by
 * openssl, served by stunnel in front of the real server's HTTP port (this ClickHouse build
 * cannot listen on https itself), trusted by the sink through clickhouse.ssl.root.certificate.
 */
class TlsTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CONNECT, Component.CLICKHOUSE)
            .workerConfig("rest.extension.classes", "io.streamingetl.console.ConsoleRestExtension");

    private static ManagedProcess stunnel;
    private static Path cert;
    private static int httpsPort;

    @BeforeAll
    static void tlsTerminator() throws Exception {
        Path dir = Files.createDirectories(stack.baseDir().resolve("tls"));
        cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Commands.run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"), 60);
        httpsPort = Ports.free();
        Path conf = dir.resolve("stunnel.conf");
        Files.writeString(conf, String.join("\n", "foreground = yes", "pid =", "[clickhouse-https]",
                "accept = 127.0.0.1:" + httpsPort, "connect = 127.0.0.1:" + stack.clickHouse().httpPort(),
                "cert = " + cert, "key = " + key, ""));
        stunnel = ManagedProcess.start("stunnel", List.of("stunnel", conf.toString()), Map.of(),
                dir.resolve("stunnel.log"), ManagedProcess.Lifetime.TIED);
        Wait.until("stunnel on " + httpsPort, Duration.ofSeconds(30), () -> Ports.isListening(httpsPort),
                () -> "\n" + stunnel.logTail(20));
        stack.clickHouse().query("CREATE DATABASE tls_db");
    }

    @AfterAll
    static void stopTerminator() {
        if (stunnel != null) {
            stunnel.stop(Duration.ofSeconds(5));
        }
    }

    private static Map<String, String> config(boolean trustCertificate) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", PluginClasses.SINK);
        config.put("name", "tls-sink");
        config.put("topics", "tls_events");
        config.put("clickhouse.url", "https://127.0.0.1:" + httpsPort);
        config.put("clickhouse.database", "tls_db");
        config.put("buffer.flush.interval.ms", "500");
        if (trustCertificate) {
            config.put("clickhouse.ssl.root.certificate", cert.toString());
        }
        return config;
    }

    @Test
    void untrustedCertificateIsAFieldError() {
        JsonNode result = stack.connect().rest().validate(PluginClasses.SINK, config(false))
                .requireSuccess("validate").body();
        List<String> errors = new java.util.ArrayList<>();
        for (JsonNode c : result.path("configs")) {
            if ("clickhouse.url".equals(c.path("value").path("name").asText())) {
                c.path("value").path("errors").forEach(e -> errors.add(e.asText()));
            }
        }
        System.out.println("https without the certificate: " + errors);
        assertTrue(errors.stream().anyMatch(e -> e.contains("certification path") || e.contains("SSLHandshake")
                || e.contains("PKIX")), "an untrusted self-signed certificate is a clickhouse.url error that says so: " + errors);
    }

    @Test
    void recordsArriveOverHttpsWithTheUsersCertificate() throws Exception {
        JsonNode result = stack.connect().rest().validate(PluginClasses.SINK, config(true)).requireSuccess("validate").body();
        assertEquals(0, result.path("error_count").asInt(), result.toString());
        stack.connect().rest().putConnector("tls-sink", config(true));
        stack.connect().rest().awaitRunning("tls-sink", 1, Duration.ofSeconds(60));

        Schema schema = SchemaBuilder.struct().name("tls_event").field("id", Schema.INT64_SCHEMA)
                .field("note", Schema.STRING_SCHEMA).build();
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.kafka().bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = 1; id <= 20; id++) {
                producer.send(new ProducerRecord<>("tls_events", null,
                        json.fromConnectData("tls_events", schema, new Struct(schema).put("id", id).put("note", "over tls " + id))))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        Wait.until("20 rows in tls_db.tls_events", Duration.ofSeconds(90), () ->
                "1".equals(stack.clickHouse().query("EXISTS TABLE tls_db.tls_events").strip())
                        && "20\t210\n".equals(stack.clickHouse().query("SELECT count(), sum(id) FROM tls_db.tls_events")));
        System.out.println("20 records written through https://127.0.0.1:" + httpsPort + " (stunnel -> ClickHouse)");
        // The console counts over the same https with the sink's certificate.
        JsonNode counts = stack.connect().rest().get("/console/api/clickhouse?connector=tls-sink")
                .requireSuccess("console counts over https").body();
        assertEquals("tls_db.tls_events", counts.path(0).path("table").asText(), counts.toString());
        assertEquals("20", counts.path(0).path("raw").asText(), counts.toString());
    }
}
