package io.streamingetl.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * A plugin's version from a properties resource the build filters ({@code version=${project.version}}),
 * so {@code version()} in Connect's REST API and logs names the build, also when the classes run
 * from a directory (tests) rather than a jar with a manifest.
 */
public final class PluginVersion {
    private PluginVersion() {
    }

    /** The {@code version} property of {@code resource}, looked up next to {@code anchor}; "unknown" when missing. */
    public static String of(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
