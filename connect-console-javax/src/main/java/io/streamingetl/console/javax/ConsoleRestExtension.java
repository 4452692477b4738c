package io.streamingetl.console.javax;

import io.streamingetl.console.ConsoleExtensionBase;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

/**
 * The pipeline console for Kafka Connect 3.x, whose REST extensions register javax.ws.rs
 * resources: {@code rest.extension.classes=io.streamingetl.console.javax.ConsoleRestExtension}.
 * Connect 4.x uses {@code io.streamingetl.console.ConsoleRestExtension}.
 */
public class ConsoleRestExtension extends ConsoleExtensionBase {
    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(new ConsoleResource(console(context.clusterState())));
    }
}
