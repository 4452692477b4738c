package io.streamingetl.console;

import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Serves the pipeline console at {@code /console} on the worker's own REST listener: enable with
 * {@code rest.extension.classes=io.streamingetl.console.ConsoleRestExtension} and this plugin in
 * {@code plugin.path}. No port of its own, so whatever guards the worker's REST API guards it too.
 * The page drives the worker's REST API for everything it changes (restart, validate, create);
 * the extension only adds reads the REST API lacks: metrics, lag, recent events, ClickHouse counts.
 */
public class ConsoleRestExtension implements ConnectRestExtension {
    private final Map<String, Object> workerConfig = new HashMap<>();
    private KafkaReads kafka;

    @Override
    public void configure(Map<String, ?> configs) {
        workerConfig.putAll(configs);
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        kafka = KafkaReads.fromWorkerConfig(workerConfig);
        context.configurable().register(new ConsoleResource(context.clusterState(), kafka));
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    public String version() {
        return ConsoleResource.VERSION;
    }
}
