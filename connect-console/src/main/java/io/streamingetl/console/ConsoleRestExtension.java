package io.streamingetl.console;

import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

/**
 * Serves the pipeline console at {@code /console} on the worker's own REST listener, in Kafka
 * Connect 4.x (Jakarta REST; for 3.x see {@code io.streamingetl.console.javax.ConsoleRestExtension}):
 * enable with {@code rest.extension.classes=io.streamingetl.console.ConsoleRestExtension} and this
 * plugin in {@code plugin.path}. No port of its own, so whatever guards the worker's REST API guards
 * it too.
 */
public class ConsoleRestExtension extends ConsoleExtensionBase {
    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(new ConsoleResource(console(context.clusterState())));
    }
}
