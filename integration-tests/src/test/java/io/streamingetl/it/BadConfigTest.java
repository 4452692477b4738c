package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectRest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad configurations of both plugins, as users send them: each is a per-field error from the
 * worker's validate endpoint naming the option, and POST /connectors refuses it and starts nothing.
 */
class BadConfigTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CONNECT, Component.CLICKHOUSE);

    private record Case(String name, String field, Map<String, String> changes) {
    }

    private static Map<String, String> good;

    @BeforeAll
    static void goodConfig() {
        stack.clickHouse().query("CREATE DATABASE IF NOT EXISTS cfg_db");
        good = new LinkedHashMap<>();
        good.put("connector.class", PluginClasses.SINK);
        good.put("topics", "cfg-topic");
        good.put("clickhouse.url", stack.clickHouse().httpUrl());
        good.put("clickhouse.database", "cfg_db");
        good.put("transforms", "enrich");
        good.put("transforms.enrich.type", PluginClasses.SMT_VALUE);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("unreachable ClickHouse", "clickhouse.url", Map.of("clickhouse.url", "http://127.0.0.1:1")));
        cases.add(new Case("malformed URL", "clickhouse.url", Map.of("clickhouse.url", "ht!tp://::nope")));
        cases.add(new Case("not http(s)", "clickhouse.url", Map.of("clickhouse.url", "ftp://127.0.0.1:21")));
        cases.add(new Case("missing required URL", "clickhouse.url", Map.of("clickhouse.url", "")));
        cases.add(new Case("unknown user", "clickhouse.user", Map.of("clickhouse.user", "nobody_here")));
        cases.add(new Case("unknown database", "clickhouse.database",
                Map.of("clickhouse.database", "no_such_db", "database.name.template", "")));
        cases.add(new Case("zero buffer rows", "buffer.max.rows", Map.of("buffer.max.rows", "0")));
        cases.add(new Case("negative buffer bytes", "buffer.max.bytes", Map.of("buffer.max.bytes", "-1")));
        cases.add(new Case("negative flush interval", "buffer.flush.interval.ms", Map.of("buffer.flush.interval.ms", "-5")));
        cases.add(new Case("unknown evolution mode", "schema.evolution", Map.of("schema.evolution", "sometimes")));
        cases.add(new Case("not a boolean", "auto.create", Map.of("auto.create", "perhaps")));
        cases.add(new Case("version and delete fields equal", "cdc.deleted.field",
                Map.of("cdc.version.field", "_v", "cdc.deleted.field", "_v")));
        cases.add(new Case("template with an unknown placeholder", "table.name.template",
                Map.of("table.name.template", "${nope}_t")));
        cases.add(new Case("template yielding an empty name", "table.name.template", Map.of("table.name.template", "")));
        cases.add(new Case("malformed topic map", "topic.table.map", Map.of("topic.table.map", "a=b=c,,=")));
        cases.add(new Case("negative retries", "retry.max.attempts", Map.of("retry.max.attempts", "-1")));
        cases.add(new Case("unknown errors.tolerance", "errors.tolerance", Map.of("errors.tolerance", "maybe")));
        cases.add(new Case("topics and topics.regex together", "topics", Map.of("topics.regex", "cfg-.*")));
        cases.add(new Case("SMT: unknown delete mode", "transforms.enrich.delete.mode",
                Map.of("transforms.enrich.delete.mode", "hard")));
        cases.add(new Case("SMT: empty delimiter", "transforms.enrich.flatten.delimiter",
                Map.of("transforms.enrich.flatten.delimiter", "")));
        cases.add(new Case("SMT: unknown metadata field", "transforms.enrich.metadata.fields",
                Map.of("transforms.enrich.metadata.fields", "op,bogus")));
        cases.add(new Case("SMT: cache too small", "transforms.enrich.schema.cache.size",
                Map.of("transforms.enrich.schema.cache.size", "1")));
        cases.add(new Case("SMT: unknown tombstone mode", "transforms.enrich.tombstones",
                Map.of("transforms.enrich.tombstones", "sometimes")));
        return cases;
    }

    @Test
    void theGoodConfigValidates() {
        JsonNode result = stack.connect().rest().validate(PluginClasses.SINK, with(good, "name", "cfg-good"))
                .requireSuccess("validate").body();
        assertEquals(0, result.path("error_count").asInt(), errors(result).toString());
    }

    @Test
    void eachBadConfigIsAFieldErrorAndStartsNothing() {
        ConnectRest rest = stack.connect().rest();
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Case c : cases()) {
            String name = "cfg-bad-" + n++;
            Map<String, String> config = new LinkedHashMap<>(with(good, "name", name));
            c.changes().forEach((k, v) -> {
                if (v.isEmpty() && (k.equals("clickhouse.url"))) {
                    config.remove(k);
                } else {
                    config.put(k, v);
                }
            });
            JsonNode result = rest.validate(PluginClasses.SINK, config).requireSuccess("validate").body();
            Map<String, List<String>> errors = errors(result);
            boolean named = errors.containsKey(c.field()) && !errors.get(c.field()).isEmpty();
            var created = rest.post("/connectors", Map.of("name", name, "config", config));
            boolean refused = created.status() == 400 && rest.get("/connectors/" + name).status() == 404;
            System.out.printf("bad config %-40s -> %s: %s | POST /connectors %d%n", c.name(), c.field(),
                    errors.getOrDefault(c.field(), List.of()), created.status());
            if (!named || !refused) {
                failures.add(c.name() + ": expected an error on " + c.field() + " and a refused create; got errors "
                        + errors + ", POST " + created.status() + " " + created.body());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(n >= 15);
        assertFalse(rest.get("/connectors").body().toString().contains("cfg-bad"), "nothing was created");
    }

    /** A value of the wrong type is one clear message, not also "Invalid value null ... must be non-null". */
    @Test
    void aWrongTypedOptionGetsOneMessage() {
        for (Map.Entry<String, String> bad : Map.of("buffer.max.rows", "many", "max.block.ms", "soon",
                "transforms.enrich.schema.cache.size", "lots").entrySet()) {
            Map<String, String> config = new LinkedHashMap<>(with(good, "name", "cfg-typed"));
            config.put(bad.getKey(), bad.getValue());
            JsonNode result = stack.connect().rest().validate(PluginClasses.SINK, config).requireSuccess("validate").body();
            List<String> messages = errors(result).getOrDefault(bad.getKey(), List.of());
            System.out.println("wrong type " + bad + " -> " + messages);
            assertEquals(1, messages.size(), bad + ": " + messages);
            assertTrue(messages.get(0).contains(bad.getValue()), messages.toString());
        }
    }

    private static Map<String, List<String>> errors(JsonNode result) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (JsonNode config : result.path("configs")) {
            JsonNode value = config.path("value");
            List<String> messages = new ArrayList<>();
            value.path("errors").forEach(e -> messages.add(e.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.path("name").asText(), messages);
            }
        }
        return errors;
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
