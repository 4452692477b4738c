package io.streamingetl.console;

import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Serves the pipeline console at {@code /console} on the worker's own REST listener, in Kafka
 * Connect 4.x (Jakarta REST; for 3.x see {@code io.streamingetl.console.javax.ConsoleRestExtension}):
 * enable with {@code rest.extension.classes=io.streamingetl.console.ConsoleRestExtension} and this
 * plugin in {@code plugin.path}. No port of its own, so whatever guards the worker's REST API guards
 * it too.
 */
public class ConsoleRestExtension implements ConnectRestExtension {
    private final Map<String, Object> workerConfig = new HashMap<>();
    private Console console;

    @Override
    public void configure(Map<String, ?> configs) {
        workerConfig.putAll(configs);
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        console = Console.create(context.clusterState(), workerConfig);
        context.configurable().register(new ConsoleResource(console));
    }

    @Override
    public void close() {
        if (console != null) {
            console.close();
        }
    }

    @Override
    public String version() {
        return Console.VERSION;
    }
}
