package io.streamingetl.clickhouse.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** The validators of the sink's options: each names the option and what a good value looks like. */
public final class Validators {
    private Validators() {
    }

    public static final class UrlValidator implements ConfigDef.Validator {
        private final boolean allowEmpty;

        /** @param allowEmpty whether empty is accepted here (clickhouse.url when cluster.shards lists the servers) */
        public UrlValidator(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || (allowEmpty && value.toString().isBlank())) {
                if (allowEmpty) {
                    return;
                }
                throw new ConfigException(name, null, "a ClickHouse URL is required, e.g. http://host:8123");
            }
            String s = value.toString().trim();
            try {
                URI u = new URI(s);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    throw new ConfigException(name, s, "must start with http:// or https://");
                }
                if (u.getHost() == null || u.getHost().isEmpty()) {
                    throw new ConfigException(name, s, "has no host");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(name, s, "is not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "http(s)://host:port";
        }
    }

    /** Each shard: one or more replica URLs separated by '|'. */
    public static final class ShardsValidator implements ConfigDef.Validator {
        @Override
        @SuppressWarnings("unchecked")
        public void ensureValid(String name, Object value) {
            List<String> shards = value == null ? List.of() : (List<String>) value;
            UrlValidator url = new UrlValidator(false);
            for (int i = 0; i < shards.size(); i++) {
                List<String> replicas = ClickHouseSinkConfig.replicas(shards.get(i));
                if (replicas.isEmpty()) {
                    throw new ConfigException(name, value, "shard " + (i + 1) + " lists no URL");
                }
                for (String r : replicas) {
                    try {
                        url.ensureValid(name, r);
                    } catch (ConfigException e) {
                        throw new ConfigException(name, r, "shard " + (i + 1) + ": " + e.getMessage());
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "url[|url...],url[|url...] (shards, each with its replicas)";
        }
    }

    public static final class IdentifierValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(name, value, "must not be empty");
            }
        }

        @Override
        public String toString() {
            return "non-empty name";
        }
    }

    public static final class TemplateValidator implements ConfigDef.Validator {
        private final boolean allowEmpty;

        /** @param allowEmpty whether an empty template means something (the database's: "use clickhouse.database") */
        public TemplateValidator(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString();
            if (!allowEmpty && s.isBlank()) {
                throw new ConfigException(name, s, "yields an empty table name; use e.g. ${table} or ${topic}");
            }
            String rest = s.replace("${topic}", "").replace("${db}", "").replace("${table}", "");
            if (rest.contains("${")) {
                throw new ConfigException(name, s, "only ${topic}, ${db} and ${table} are known placeholders");
            }
        }

        @Override
        public String toString() {
            return "text with ${topic}, ${db}, ${table}";
        }
    }

    public static final class TopicMapValidator implements ConfigDef.Validator {
        @Override
        @SuppressWarnings("unchecked")
        public void ensureValid(String name, Object value) {
            ClickHouseSinkConfig.parseTopicMap(value == null ? List.of() : (List<String>) value);
        }

        @Override
        public String toString() {
            return "topic:table,topic:db.table";
        }
    }

    public static final class TimeZoneValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                java.time.ZoneId.of(String.valueOf(value));
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, "is not a time zone id: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "time zone id, e.g. UTC";
        }
    }
}
