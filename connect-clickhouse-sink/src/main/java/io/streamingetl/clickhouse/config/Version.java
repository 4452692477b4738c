package io.streamingetl.clickhouse.config;

import io.streamingetl.common.PluginVersion;

/** The sink's version, filtered into a resource by the build: Connect's version() and the HTTP client name. */
public final class Version {
    private static final String VERSION = PluginVersion.of(Version.class, "/io/streamingetl/clickhouse/sink-version.properties");

    private Version() {
    }

    public static String get() {
        return VERSION;
    }
}
