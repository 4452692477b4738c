package io.streamingetl.console.javax;

import io.streamingetl.console.Console;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The pipeline console for Kafka Connect 3.x, whose REST extensions register javax.ws.rs
 * resources: {@code rest.extension.classes=io.streamingetl.console.javax.ConsoleRestExtension}.
 * Connect 4.x uses {@code io.streamingetl.console.ConsoleRestExtension}.
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
