package io.streamingetl.localstack.clickhouse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A ClickHouse that is not ours to start or stop (a user's own), over HTTP with its credentials. */
public final class ClickHouseHttp implements ClickHouseQueries {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;
    private final String user;
    private final String password;

    public ClickHouseHttp(String url, String user, String password) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.user = user;
        this.password = password;
    }

    @Override
    public String query(String sql) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/"))
                            .header("X-ClickHouse-User", user).header("X-ClickHouse-Key", password)
                            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                            .timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse at " + url + " answered " + r.statusCode() + " to [" + sql
                        + "]: " + r.body().strip());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("ClickHouse unreachable at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String httpUrl() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }
}
