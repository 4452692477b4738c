package io.streamingetl.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Component versions, as pinned in the root pom. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {
    }

    public static String chdb() {
        return get("chdb.npm.version");
    }

    public static String mariadb() {
        return get("mariadb.binaries.version");
    }

    public static String apicurioRegistry() {
        return get("apicurio.registry.version");
    }

    public static String kafka() {
        return get("kafka.version");
    }

    private static String get(String key) {
        String value = PROPS.getProperty(key);
        if (value == null || value.startsWith("${")) {
            throw new IllegalStateException("versions.properties lacks " + key + " (was the resource filtered?)");
        }
        return value;
    }

    private static Properties load() {
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
