package io.streamingetl.localstack.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * {@code scripts/dlq.sh}: reads a dead-letter topic that Connect wrote with
 * {@code errors.deadletterqueue.context.headers.enable=true} and lists each rejected record with
 * where it came from and why; {@code resend} writes chosen ones back to their original topic
 * (key, value and headers as they were, without Connect's error headers) once the cause is fixed.
 *
 * <pre>
 * DlqTool list   [--topic dlq.clickhouse-sink] [--bootstrap-server host:port]
 * DlqTool resend --offsets 3,7-9 [--topic ...] [--bootstrap-server ...]
 * </pre>
 */
public final class DlqTool {
    static final String ERROR_HEADERS = "__connect.errors.";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final String topic;
    private final PrintStream out;

    DlqTool(String bootstrap, String topic, PrintStream out) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.out = out;
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        String bootstrap = option(args, "--bootstrap-server", "127.0.0.1:" + envOr("KAFKA_PORT", "9092"));
        DlqTool tool = new DlqTool(bootstrap, option(args, "--topic", "dlq.clickhouse-sink"), System.out);
        try {
            switch (command) {
                case "list" -> tool.list();
                case "resend" -> {
                    String offsets = option(args, "--offsets", null);
                    if (offsets == null) {
                        throw new IllegalArgumentException("resend needs --offsets, e.g. --offsets 3,7-9 (from list)");
                    }
                    tool.resend(parseOffsets(offsets));
                }
                default -> {
                    System.err.println("usage: dlq.sh list [--topic T] [--bootstrap-server H:P]"
                            + " | resend --offsets 3,7-9 [--topic T] [--bootstrap-server H:P]");
                    System.exit(2);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    /** One line per rejected record: its DLQ offset, where it came from, and the reason. */
    void list() {
        List<ConsumerRecord<byte[], byte[]>> records = readAll();
        out.printf("%d record(s) in %s%n", records.size(), topic);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.printf("offset %d (partition %d): from %s partition %s offset %s, %s: %s%n", r.offset(), r.partition(),
                    header(r, "topic"), header(r, "partition"), header(r, "offset"),
                    header(r, "exception.class.name"), firstLine(header(r, "exception.message")));
        }
    }

    /** Writes the records at {@code offsets} back to their original topics and partitions. */
    void resend(TreeSet<Long> offsets) {
        List<ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll()) {
            if (offsets.remove(r.offset())) {
                chosen.add(r);
            }
        }
        if (!offsets.isEmpty()) {
            throw new IllegalArgumentException("no record at offset(s) " + offsets + " in " + topic + "; nothing resent");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> r : chosen) {
                String original = header(r, "topic");
                if (original == null) {
                    throw new IllegalStateException("record at offset " + r.offset() + " has no " + ERROR_HEADERS
                            + "topic header: the connector needs errors.deadletterqueue.context.headers.enable=true");
                }
                RecordHeaders headers = new RecordHeaders();
                for (Header h : r.headers()) {
                    if (!h.key().startsWith(ERROR_HEADERS)) {
                        headers.add(h);
                    }
                }
                // The original partition keeps a key's changes in order with the ones after it.
                Integer partition = partitionOf(header(r, "partition"));
                producer.send(new ProducerRecord<>(original, partition, r.key(), r.value(), headers)).get();
                out.printf("offset %d resent to %s%s%n", r.offset(), original, partition == null ? "" : " partition " + partition);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("resend failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("no topic " + topic + " at " + bootstrap);
            }
            List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, READ_TIMEOUT);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, READ_TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took over 2 minutes");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(ERROR_HEADERS + name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Integer partitionOf(String text) {
        try {
            return text == null ? null : Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstLine(String text) {
        return text == null ? "(no reason recorded)" : text.lines().findFirst().orElse("");
    }

    /** {@code 3,7-9} to {3, 7, 8, 9}. */
    static TreeSet<Long> parseOffsets(String text) {
        TreeSet<Long> offsets = new TreeSet<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            try {
                int dash = t.indexOf('-');
                if (dash > 0) {
                    long from = Long.parseLong(t.substring(0, dash));
                    long to = Long.parseLong(t.substring(dash + 1));
                    if (to < from || to - from > 1_000_000) {
                        throw new NumberFormatException();
                    }
                    for (long o = from; o <= to; o++) {
                        offsets.add(o);
                    }
                } else {
                    offsets.add(Long.parseLong(t));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--offsets takes offsets and ranges like 3,7-9, got '" + t + "'", e);
            }
        }
        return offsets;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(name + "=")) {
                return args[i].substring(name.length() + 1);
            }
        }
        return fallback;
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
