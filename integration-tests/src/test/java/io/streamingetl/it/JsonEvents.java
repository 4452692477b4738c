package io.streamingetl.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.util.Map;
import java.util.concurrent.Future;

/**
 * Writes Connect structs to a topic as the workers' JsonConverter reads them (schemas.enable),
 * acknowledged by all replicas: the append-only events the fault tests count.
 */
final class JsonEvents implements AutoCloseable {
    private final JsonConverter converter = new JsonConverter();
    private final KafkaProducer<byte[], byte[]> producer;

    JsonEvents(String bootstrapServers) {
        converter.configure(Map.of("schemas.enable", "true"), false);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    Future<RecordMetadata> send(String topic, int partition, Struct key, Struct value) {
        return producer.send(new ProducerRecord<>(topic, partition, converter.fromConnectData(topic, key.schema(), key),
                converter.fromConnectData(topic, value.schema(), value)));
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
