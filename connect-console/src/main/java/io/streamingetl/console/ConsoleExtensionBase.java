package io.streamingetl.console;

import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.rest.ConnectRestExtension;

import java.util.HashMap;
import java.util.Map;

/**
 * What both REST flavours of the console extension share: the worker's configuration, the
 * {@link Console} they serve, the {@link FailedTaskRestarter} of this worker, closing and the version. A subclass only registers its JAX-RS
 * resource, whose annotations come from its Connect version's REST package.
 */
public abstract class ConsoleExtensionBase implements ConnectRestExtension {
    private final Map<String, Object> workerConfig = new HashMap<>();
    private Console console;
    private FailedTaskRestarter restarter;

    @Override
    public void configure(Map<String, ?> configs) {
        workerConfig.putAll(configs);
    }

    /** The console for this worker, created once when the extension registers. */
    protected Console console(ConnectClusterState cluster) {
        console = Console.create(cluster, workerConfig);
        restarter = FailedTaskRestarter.start(cluster, workerConfig);
        return console;
    }

    @Override
    public void close() {
        if (restarter != null) {
            restarter.close();
        }
        if (console != null) {
            console.close();
        }
    }

    @Override
    public String version() {
        return Console.VERSION;
    }
}
