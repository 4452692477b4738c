package io.streamingetl.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row counts of the tables a ClickHouse sink writes, read with that sink's own connection settings
 * (its password and trusted certificate; the password is used here and never leaves the worker): per table the raw row count, the
 * {@code FINAL} count without deleted rows, and the newest {@code _version}.
 */
final class ClickHouseReads {
    static final String SINK_CLASS = "io.streamingetl.clickhouse.ClickHouseSinkConnector";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Per clickhouse.ssl.root.certificate: a client trusting that certificate, as the sink does. */
    private static final Map<String, HttpClient> TRUSTING = new java.util.concurrent.ConcurrentHashMap<>();

    private ClickHouseReads() {
    }

    static List<Map<String, Object>> counts(Map<String, String> sinkConfig) throws Exception {
        String url = url(sinkConfig);
        String database = sinkConfig.getOrDefault("clickhouse.database", "default");
        String auth = "Basic " + Base64.getEncoder().encodeToString((sinkConfig.getOrDefault("clickhouse.user", "default")
                + ":" + sinkConfig.getOrDefault("clickhouse.password", "")).getBytes(StandardCharsets.UTF_8));
        HttpClient http = client(sinkConfig.getOrDefault("clickhouse.ssl.root.certificate", "").trim());
        String db = literal(database);
        JsonNode tables = query(http, url, auth, "SELECT name, name IN (SELECT table FROM system.columns WHERE database = "
                + db + " AND name IN ('_version', '_deleted') GROUP BY table HAVING count() = 2) AS cdc"
                + " FROM system.tables WHERE database = " + db
                + " AND (engine LIKE '%MergeTree' OR engine = 'Distributed') AND NOT startsWith(name, '_')"
                + (sinkConfig.containsKey("cluster.shards") && !sinkConfig.get("cluster.shards").isBlank()
                        ? " AND engine = 'Distributed'" : "") + " ORDER BY name");
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode t : tables) {
            String table = quote(database) + "." + quote(t.get("name").asText());
            boolean cdc = t.get("cdc").asInt() == 1;
            JsonNode r = query(http, url, auth, "SELECT count() AS raw" + (cdc
                    ? ", (SELECT count() FROM " + table + " FINAL WHERE _deleted = 0) AS final, max(_version) AS newest"
                    : "") + " FROM " + table).get(0);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", database + "." + t.get("name").asText());
            row.put("raw", r.get("raw").asText());
            row.put("final", cdc ? r.get("final").asText() : null);
            row.put("newestVersion", cdc ? r.get("newest").asText() : null);
            out.add(row);
        }
        return out;
    }

    /** clickhouse.url, or the first replica of the first shard (whose Distributed tables see every shard). */
    private static String url(Map<String, String> c) {
        String shards = c.getOrDefault("cluster.shards", "");
        String url = shards.isBlank() ? c.getOrDefault("clickhouse.url", "") : shards.split(",")[0].split("\\|")[0];
        return url.trim().replaceAll("/+$", "");
    }

    /** A GET: ClickHouse runs it read-only, whatever the user may do otherwise. */
    private static HttpClient client(String certificate) {
        if (certificate.isEmpty()) {
            return HTTP;
        }
        return TRUSTING.computeIfAbsent(certificate, path -> {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
                java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
                tls.init(null, tmf.getTrustManagers(), null);
                return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(tls).build();
            } catch (Exception e) {
                throw new IllegalStateException("cannot use clickhouse.ssl.root.certificate " + path + ": " + e.getMessage(), e);
            }
        });
    }

    private static JsonNode query(HttpClient http, String url, String auth, String sql) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/?default_format=JSON&query="
                        + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
                .header("Authorization", auth).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse answered " + r.statusCode() + ": "
                    + r.body().lines().findFirst().orElse(""));
        }
        return JSON.readTree(r.body()).get("data");
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    private static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
