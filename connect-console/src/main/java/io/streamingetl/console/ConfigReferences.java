package io.streamingetl.console;

import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves {@code ${provider:path:key}} references in a connector's config with the config
 * providers the worker declares ({@code config.providers.NAME.class} and
 * {@code config.providers.NAME.param.*}), as the worker does before it hands a config to a task:
 * Connect's cluster state gives extensions the raw config, so a password kept in a file would
 * otherwise reach ClickHouse as the literal reference. Resolved values stay in memory here.
 */
final class ConfigReferences {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReferences.class);
    private static final String PROVIDERS = "config.providers";

    private final ConfigTransformer transformer;

    private ConfigReferences(ConfigTransformer transformer) {
        this.transformer = transformer;
    }

    static ConfigReferences fromWorkerConfig(Map<String, ?> worker) {
        // Connect hands extensions its config without the config.providers list itself, so the
        // providers are the NAMEs of the config.providers.NAME.class settings.
        Set<String> names = new TreeSet<>();
        worker.keySet().forEach(k -> {
            if (k.startsWith(PROVIDERS + ".") && k.endsWith(".class")) {
                String name = k.substring(PROVIDERS.length() + 1, k.length() - ".class".length());
                if (!name.isEmpty() && !name.contains(".")) {
                    names.add(name);
                }
            }
        });
        Map<String, ConfigProvider> providers = new HashMap<>();
        for (String name : names) {
            ConfigProvider p = provider(name, worker);
            if (p != null) {
                providers.put(name, p);
            }
        }
        if (!providers.isEmpty()) {
            LOG.info("The console resolves config references of connectors with the worker's providers {}",
                    providers.keySet());
        }
        return new ConfigReferences(providers.isEmpty() ? null : new ConfigTransformer(providers));
    }

    private static ConfigProvider provider(String name, Map<String, ?> worker) {
        String prefix = PROVIDERS + "." + name + ".";
        Object className = worker.get(prefix + "class");
        if (className == null) {
            return null;
        }
        Map<String, Object> params = new HashMap<>();
        worker.forEach((k, v) -> {
            if (k.startsWith(prefix + "param.")) {
                params.put(k.substring((prefix + "param.").length()), v);
            }
        });
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            ConfigProvider p = (ConfigProvider) Class.forName(className.toString(), true,
                    loader != null ? loader : ConfigReferences.class.getClassLoader()).getDeclaredConstructor().newInstance();
            p.configure(params);
            return p;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("The console cannot load config provider {} ({}): connector settings that refer to it are used "
                    + "as written when it reads ClickHouse: {}", name, className, e.toString());
            return null;
        }
    }

    /** The config with its references resolved; unchanged when the worker declares no provider. */
    Map<String, String> resolve(Map<String, String> raw) {
        return transformer == null ? raw : transformer.transform(raw).data();
    }
}
