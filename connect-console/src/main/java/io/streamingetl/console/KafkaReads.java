package io.streamingetl.console;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the console reads from Kafka with the worker's own client settings: lag and recent records. */
final class KafkaReads implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicLong READS = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Object> clientConfig;
    private final Admin admin;

    private KafkaReads(Map<String, Object> clientConfig) {
        this.clientConfig = clientConfig;
        this.admin = Admin.create(clientConfig);
    }

    /** bootstrap.servers and the security.* / sasl.* / ssl.* settings of the worker. */
    static KafkaReads fromWorkerConfig(Map<String, ?> worker) {
        Map<String, Object> c = new HashMap<>();
        worker.forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                c.put(k, v);
            }
        });
        c.put("client.id", "streamingetl-console");
        return new KafkaReads(c);
    }

    /** Per partition of the connector's consumer group (connect-NAME): committed offset, end offset, lag. */
    List<Map<String, Object>> lag(String connector) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + connector)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        List<Map<String, Object>> out = new ArrayList<>();
        committed.entrySet().stream().sorted(Comparator.comparing((Map.Entry<TopicPartition, OffsetAndMetadata> e) ->
                e.getKey().topic()).thenComparing(e -> e.getKey().partition())).forEach(e -> {
            long end = ends.get(e.getKey()).offset();
            long at = e.getValue() == null ? 0 : e.getValue().offset();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", e.getKey().topic());
            row.put("partition", e.getKey().partition());
            row.put("committed", at);
            row.put("end", end);
            row.put("lag", Math.max(0, end - at));
            out.add(row);
        });
        return out;
    }

    /** The newest {@code n} records of {@code topic} (all partitions), newest first, as text. */
    List<Map<String, Object>> lastRecords(String topic, int n) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put("client.id", clientConfig.get("client.id") + "-events-" + READS.incrementAndGet()); // one MBean each
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, n));
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(5));
            long wanted = 0;
            for (TopicPartition tp : partitions) {
                long from = Math.max(begin.get(tp), end.get(tp) - n);
                consumer.seek(tp, from);
                wanted += end.get(tp) - from;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.size() < wanted && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        seen.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : seen.subList(0, Math.min(n, seen.size()))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", r.partition());
            row.put("offset", r.offset());
            row.put("timestamp", r.timestamp());
            row.put("key", text(r.key()));
            row.put("value", text(r.value()));
            out.add(row);
        }
        return out;
    }

    /** UTF-8 text; bytes that are not (Avro, with its magic byte) as text with replacement characters. */
    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
