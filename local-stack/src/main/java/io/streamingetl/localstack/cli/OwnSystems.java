package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.clickhouse.ClickHouseHttp;
import io.streamingetl.localstack.mariadb.ExternalSource;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code --source=HOST:PORT} and {@code --clickhouse=URL}: the user's own MySQL/MariaDB and
 * ClickHouse instead of the ones local mode starts. Credentials and databases come from the
 * environment (SOURCE_USER, SOURCE_PASSWORD, SOURCE_DATABASES; CLICKHOUSE_USER,
 * CLICKHOUSE_PASSWORD). Sticky like the other options: remembered in the state directory (readable
 * by its owner only, as it holds passwords) so a plain redeploy keeps them; {@code =local} goes back.
 */
record OwnSystems(ExternalSource source, ClickHouseHttp clickHouse) {
    static final String SOURCE_OPTION = "--source";
    static final String CLICKHOUSE_OPTION = "--clickhouse";

    boolean any() {
        return source != null || clickHouse != null;
    }

    static OwnSystems resolve(Path stateFile, String[] args, Map<String, String> env) {
        Properties saved = load(stateFile);
        String source = option(args, SOURCE_OPTION);
        String clickHouse = option(args, CLICKHOUSE_OPTION);
        if (source != null) {
            saved.keySet().removeIf(k -> k.toString().startsWith("source."));
            if (!"local".equals(source)) {
                saved.setProperty("source.address", source);
                saved.setProperty("source.user", env.getOrDefault("SOURCE_USER", "debezium"));
                saved.setProperty("source.password", env.getOrDefault("SOURCE_PASSWORD", ""));
                String databases = env.getOrDefault("SOURCE_DATABASES", "");
                if (databases.isBlank()) {
                    throw new IllegalArgumentException(SOURCE_OPTION + " needs SOURCE_DATABASES: the databases to"
                            + " capture, comma-separated (and SOURCE_USER, SOURCE_PASSWORD: the account Debezium uses)");
                }
                saved.setProperty("source.databases", databases);
            }
        }
        if (clickHouse != null) {
            saved.keySet().removeIf(k -> k.toString().startsWith("clickhouse."));
            if (!"local".equals(clickHouse)) {
                if (!clickHouse.matches("https?://.+")) {
                    throw new IllegalArgumentException(CLICKHOUSE_OPTION + " takes ClickHouse's HTTP URL, e.g."
                            + " http://host:8123, got " + clickHouse);
                }
                saved.setProperty("clickhouse.url", clickHouse);
                saved.setProperty("clickhouse.user", env.getOrDefault("CLICKHOUSE_USER", "default"));
                saved.setProperty("clickhouse.password", env.getOrDefault("CLICKHOUSE_PASSWORD", ""));
            }
        }
        if (source != null || clickHouse != null) {
            store(stateFile, saved);
        }
        return new OwnSystems(source(saved), clickHouse(saved));
    }

    private static ExternalSource source(Properties p) {
        String address = p.getProperty("source.address");
        if (address == null) {
            return null;
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(SOURCE_OPTION + " takes HOST:PORT, got " + address);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SOURCE_OPTION + " takes HOST:PORT, got " + address, e);
        }
        List<String> databases = Arrays.stream(p.getProperty("source.databases").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new ExternalSource(address.substring(0, colon), port, p.getProperty("source.user"),
                p.getProperty("source.password"), databases);
    }

    private static ClickHouseHttp clickHouse(Properties p) {
        String url = p.getProperty("clickhouse.url");
        return url == null ? null
                : new ClickHouseHttp(url, p.getProperty("clickhouse.user"), p.getProperty("clickhouse.password"));
    }

    private static String option(String[] args, String name) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }

    private static void store(Path file, Properties p) {
        StackHome.createDirectories(file.getParent());
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (Writer w = Files.newBufferedWriter(file)) {
                p.store(w, "./deploy.sh --source / --clickhouse (the user's own systems); --source=local goes back");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
