package io.streamingetl.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.enrichment.EnrichmentProcess;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.mariadb.SqlScript;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The enrichment join end to end, as ./deploy.sh --local runs it: MariaDB -> Debezium + SMT ->
 * Kafka -> the Kafka Streams app (a child JVM from enrichment-streams/target) -> the sink with
 * connector-configs/sink/clickhouse-sink-enriched.json -> ClickHouse. After a workload of inserts,
 * updates (a person's name, an address's person and city, geo coordinates, a geo point moving to
 * another address) and deletes on all three tables, plus an address whose person arrives late and
 * one whose person never arrives, ClickHouse's person_enriched FINAL, the query-time view over
 * the CDC tables and people_per_city must equal the source's reference views row for row.
 */
class EnrichmentJoinEndToEndTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE);

    private static final String DB = "streaming_etl_db";
    private static final String ENRICHED_COLUMNS = "address_id, person_id, first_name, last_name, email, birth_date, "
            + "street, city, postal_code, country, geo_id, latitude, longitude";
    /** latitude, longitude: compared as numbers (ClickHouse prints 51.5074, MariaDB 51.507400). */
    private static final Set<Integer> DECIMAL_COLUMNS = Set.of(11, 12);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static EnrichmentProcess app;

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void streamJoinAndAggregateEqualTheSourceViewsAfterInsertsUpdatesAndDeletes() {
        long t0 = System.nanoTime();
        SourceDatabase.create(stack.mariaDb());
        stack.clickHouse().query("CREATE DATABASE IF NOT EXISTS " + DB);
        ConnectorConfig source = stack.sourceConfig(DB);
        ConnectorConfig sink = stack.sinkConfig(DB);
        ConnectorConfig enrichedSink = stack.enrichedSinkConfig();
        for (ConnectorConfig c : List.of(source, sink, enrichedSink)) {
            stack.connect().rest().putConnector(c.name(), c.config());
        }
        for (ConnectorConfig c : List.of(source, sink, enrichedSink)) {
            stack.connect().rest().awaitRunning(c.name(), 1, Duration.ofSeconds(120));
        }
        app = new EnrichmentProcess(stack.baseDir().resolve("enrichment"), stack.kafka().bootstrapServers(),
                Lifetime.TIED).start();
        System.out.printf("stack, connectors and app up after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // The snapshot: the CDC tables exist (the view needs them) and the join matches the seed rows.
        Wait.until("the snapshot's CDC tables in ClickHouse", Duration.ofMinutes(3), () ->
                clickHouseCount("person") == 5 && clickHouseCount("address") == 6 && clickHouseCount("geo") == 6);
        createClickHouseViews();
        awaitEqual("person_enriched after the snapshot", this::sourceEnriched, () -> clickHouseEnriched(
                "streaming_etl_db.person_enriched FINAL WHERE _deleted = 0"));
        assertEquals(6, sourceEnriched().size());
        System.out.printf("snapshot joined in ClickHouse after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        long t1 = System.nanoTime();
        workload();
        List<List<String>> expected = sourceEnriched();
        awaitEqual("person_enriched FINAL (stream join) = MariaDB's person_enriched view", this::sourceEnriched,
                () -> clickHouseEnriched("streaming_etl_db.person_enriched FINAL WHERE _deleted = 0"));
        awaitEqual("people_per_city FINAL (stream aggregate) = MariaDB's people_per_city view", this::sourceCities,
                () -> clickHouseCities("SELECT city, people FROM streaming_etl_db.people_per_city FINAL WHERE _deleted = 0"));
        awaitEqual("person_enriched_joined (ClickHouse view over the CDC tables) = MariaDB's view", this::sourceEnriched,
                () -> clickHouseEnriched("streaming_etl_db.person_enriched_joined"));
        awaitEqual("people_per_city_joined (ClickHouse view) = MariaDB's view", this::sourceCities,
                () -> clickHouseCities("SELECT city, people FROM streaming_etl_db.people_per_city_joined"));
        System.out.printf("workload reflected in ClickHouse %.1f s after it ran%n", (System.nanoTime() - t1) / 1e9);

        // The workload's effects are in the compared rows (so the comparison is not vacuous).
        List<String> ids = expected.stream().map(r -> r.get(0)).toList();
        assertEquals(List.of("1", "2", "3", "4", "7", "8", "9"), ids, "addresses in the reference view");
        assertEquals("Augusta Ada", row(expected, "1").get(2), "person's new name on its address");
        assertEquals("3", row(expected, "2").get(1), "address 2 moved to person 3");
        assertEquals("NULL", row(expected, "4").get(10), "address 4 lost its geo point to address 8");
        assertEquals("4", row(expected, "8").get(10), "address 8 got geo point 4");
        assertEquals("Johnson", row(expected, "9").get(3), "late person joined its address");
        List<List<String>> cities = sourceCities();
        assertFalse(cities.stream().anyMatch(c -> c.get(0).equals("Cambridge") || c.get(0).equals("Ockham")),
                "cities whose count dropped to 0 are gone: " + cities);
        assertTrue(cities.contains(List.of("London", "1")), "London counts Ada once: " + cities);
        // Deleted rows are in ClickHouse as deletes (not missing), with a higher version than before.
        String deletedAddress6 = stack.clickHouse().query("SELECT _deleted FROM streaming_etl_db.person_enriched "
                + "WHERE address_id = 6 ORDER BY _version DESC LIMIT 1").strip();
        assertEquals("1", deletedAddress6, "address 6's last enriched row is a delete");
        String cambridge = stack.clickHouse().query("SELECT people, _deleted FROM streaming_etl_db.people_per_city "
                + "WHERE city = 'Cambridge' ORDER BY _version DESC LIMIT 1").strip();
        assertEquals("0\t1", cambridge, "Cambridge's last aggregate row: 0 people, a delete");

        // The source tables gain columns: the join and the views read the columns they name, and
        // go on; the CDC tables in ClickHouse gain them too (schema-change markers).
        SourceDatabase.transaction(stack.mariaDb(), "ALTER TABLE streaming_etl_db.person ADD COLUMN nickname VARCHAR(20) NULL",
                "ALTER TABLE streaming_etl_db.address ADD COLUMN floor INT NOT NULL DEFAULT 0");
        SourceDatabase.transaction(stack.mariaDb(), "UPDATE streaming_etl_db.person SET nickname = 'Ada', first_name = 'Ada'"
                + " WHERE id = 1", "INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country,"
                + " floor) VALUES (11, 2, 'Sesame St 1', 'London', NULL, 'UK', 3)");
        awaitEqual("person_enriched FINAL after person and address gained a column", this::sourceEnriched,
                () -> clickHouseEnriched("streaming_etl_db.person_enriched FINAL WHERE _deleted = 0"));
        awaitEqual("people_per_city FINAL after the added columns", this::sourceCities,
                () -> clickHouseCities("SELECT city, people FROM streaming_etl_db.people_per_city FINAL WHERE _deleted = 0"));
        awaitEqual("person_enriched_joined (ClickHouse view) after the added columns", this::sourceEnriched,
                () -> clickHouseEnriched("streaming_etl_db.person_enriched_joined"));
        assertEquals("Ada\t0\n", stack.clickHouse().query("SELECT p.nickname, a.floor FROM streaming_etl_db.person AS p FINAL"
                + " JOIN streaming_etl_db.address AS a FINAL ON a.person_id = p.id WHERE p.id = 1 AND a.id = 1"));

        // A column the join reads is renamed: the app cannot guess the mapping, so it stops, naming
        // the topic and the field, rather than joining NULLs (its SQL must be updated first).
        SourceDatabase.transaction(stack.mariaDb(), "ALTER TABLE streaming_etl_db.person RENAME COLUMN email TO email_address");
        SourceDatabase.transaction(stack.mariaDb(), "UPDATE streaming_etl_db.person SET last_name = 'Lovelace-King' WHERE id = 1");
        Wait.until("the enrichment app stops on the renamed column", Duration.ofMinutes(2), () -> !app.process().isAlive());
        String log = app.process().logTail(200);
        assertTrue(log.contains("dbserver.streaming_etl_db.person") && log.contains("no field 'email'"), log);
    }

    /** Inserts, updates and deletes on all three tables, in separate transactions as users would. */
    private void workload() {
        var db = stack.mariaDb();
        SourceDatabase.transaction(db,
                "INSERT INTO streaming_etl_db.person (id, first_name, last_name, email, birth_date) "
                        + "VALUES (6, 'Katherine', 'Johnson', 'katherine@example.com', '1918-08-26')",
                "INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country) "
                        + "VALUES (7, 6, '1 NASA Dr', 'Hampton', '23666', 'US')",
                "INSERT INTO streaming_etl_db.geo (id, address_id, latitude, longitude) VALUES (7, 7, 37.085800, -76.380900)");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.person SET first_name = 'Augusta Ada' WHERE id = 1");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.address SET person_id = 3 WHERE id = 2");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.geo SET latitude = 38.870000, longitude = -77.050000 WHERE id = 3");
        SourceDatabase.transaction(db, "INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country) "
                + "VALUES (8, 4, 'Eindhoven University', 'Eindhoven', '5612 AZ', 'NL')");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.geo SET address_id = 8, latitude = 51.448600, "
                + "longitude = 5.490200 WHERE id = 4");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.address SET city = 'London', postal_code = NULL WHERE id = 5");
        SourceDatabase.transaction(db, "DELETE FROM streaming_etl_db.geo WHERE id = 6",
                "DELETE FROM streaming_etl_db.address WHERE id = 6");
        SourceDatabase.transaction(db, "DELETE FROM streaming_etl_db.geo WHERE id = 5",
                "DELETE FROM streaming_etl_db.address WHERE id = 5",
                "DELETE FROM streaming_etl_db.person WHERE id = 5");
        // A late parent (address 9 before person 7) and a missing one (person 99 never comes).
        SourceDatabase.transaction(db, "SET FOREIGN_KEY_CHECKS = 0",
                "INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country) "
                        + "VALUES (9, 7, 'Unter den Linden 6', 'Berlin', '10117', 'DE')",
                "INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country) "
                        + "VALUES (10, 99, 'Nowhere 1', 'Atlantis', NULL, 'XX')");
        SourceDatabase.transaction(db, "UPDATE streaming_etl_db.person SET email = 'edsger@example.com' WHERE id = 4");
        SourceDatabase.transaction(db, "INSERT INTO streaming_etl_db.person (id, first_name, last_name) "
                + "VALUES (7, 'Mary', 'Johnson')");
    }

    private List<List<String>> sourceEnriched() {
        return sourceRows("SELECT " + ENRICHED_COLUMNS + " FROM streaming_etl_db.person_enriched ORDER BY address_id",
                13);
    }

    private List<List<String>> sourceCities() {
        return sortedByFirst(sourceRows("SELECT city, people FROM streaming_etl_db.people_per_city", 2));
    }

    private List<List<String>> sourceRows(String sql, int columns) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(normalize(i - 1, rs.getString(i), columns == 13));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private List<List<String>> clickHouseEnriched(String from) {
        return clickHouseRows("SELECT " + ENRICHED_COLUMNS + " FROM " + from + " ORDER BY address_id", true);
    }

    private List<List<String>> clickHouseCities(String sql) {
        return sortedByFirst(clickHouseRows(sql, false));
    }

    private List<List<String>> clickHouseRows(String sql, boolean enriched) {
        String body = stack.clickHouse().query(sql + " FORMAT JSONCompact");
        List<List<String>> rows = new ArrayList<>();
        try {
            for (JsonNode r : JSON.readTree(body).path("data")) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    JsonNode cell = r.get(i);
                    row.add(normalize(i, cell.isNull() ? null : cell.asText(), enriched));
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static String normalize(int column, String value, boolean enriched) {
        if (value == null) {
            return "NULL";
        }
        if (enriched && DECIMAL_COLUMNS.contains(column)) {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        }
        return value;
    }

    private static List<List<String>> sortedByFirst(List<List<String>> rows) {
        List<List<String>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(r -> r.get(0)));
        return sorted;
    }

    private static List<String> row(List<List<String>> rows, String addressId) {
        return rows.stream().filter(r -> r.get(0).equals(addressId)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for address " + addressId + " in " + rows));
    }

    private long clickHouseCount(String table) {
        if (!"1".equals(stack.clickHouse().query("EXISTS TABLE " + DB + "." + table).strip())) {
            return -1;
        }
        return Long.parseLong(stack.clickHouse().query("SELECT count() FROM " + DB + ".`" + table
                + "` FINAL WHERE _deleted = 0").strip());
    }

    private void createClickHouseViews() {
        try {
            String script = Files.readString(StackLayout.repoRoot().resolve("connector-configs/clickhouse/01-views.sql"));
            for (String sql : SqlScript.statements(script)) {
                stack.clickHouse().query(sql);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitEqual(String what, java.util.function.Supplier<List<List<String>>> expected,
                                   java.util.function.Supplier<List<List<String>>> actual) {
        AwaitEqual.of(what, Duration.ofMinutes(3), expected::get, actual::get)
                // The sink creates the table with its first rows; any other error fails at once.
                .transientIf(e -> e instanceof IllegalStateException
                        && String.valueOf(e.getMessage()).contains("UNKNOWN_TABLE"))
                .await();
    }
}
