package io.streamingetl.it;

import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline console as a person uses it, in a real headless Chromium (Debian's chromium and
 * chromium-driver, through Selenium) against the real pipeline: MariaDB, Debezium with the SMT,
 * Kafka, the ClickHouse sinks, and the console served by the worker ({@code rest.extension.classes}).
 * Screenshots go to {@code target/console-screenshots/}; {@code -Dreadme.write=true} also writes
 * them to {@code docs/console/}, where the README shows them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    /** Text that would run if the page rendered data as HTML. */
    private static final String HOSTILE = "<script>window.hacked=1</script><img src=x onerror=\"window.hacked=2\">";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE).workerConfig("rest.extension.classes", "io.streamingetl.console.ConsoleRestExtension")
            // The failed task stays failed until the page's Restart button (MultiWorkerFaultsTest
            // covers the automatic restarts).
            .workerConfig("console.restart.failed.tasks", "false");

    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void pipelineAndBrowser() {
        SourceDatabase.create(stack.mariaDb());
        stack.clickHouse().query("CREATE DATABASE streaming_etl_db");
        ConnectorConfig source = stack.sourceConfig("streaming_etl_db");
        ConnectorConfig sink = stack.sinkConfig("streaming_etl_db");
        ConnectorConfig enriched = stack.enrichedSinkConfig();
        for (ConnectorConfig c : List.of(source, sink, enriched)) {
            stack.connect().rest().putConnector(c.name(), c.config());
        }
        for (ConnectorConfig c : List.of(source, sink, enriched)) {
            stack.connect().rest().awaitRunning(c.name(), 1, Duration.ofSeconds(90));
        }
        ChromeOptions options = new ChromeOptions().setBinary(binary("chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(binary("chromedriver", "/usr/bin/chromedriver"))).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class); // the tables re-render every 2 s
        // A timeout says what the page itself reported.
        wait.withMessage(() -> "page messages: " + browser.findElements(By.cssSelector(".message")).stream()
                .map(WebElement::getText).filter(t -> !t.isBlank()).toList());
        browser.get(stack.connect().restUrl() + "/console");
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void showsTheThreeConnectorsRunning() throws Exception {
        wait.until(d -> d.findElements(By.cssSelector("#connectors tbody tr")).size() == 3
                && d.findElements(By.cssSelector("#connectors tbody tr .state-RUNNING")).size() == 6);
        @SuppressWarnings("unchecked")
        List<String> rows = (List<String>) ((JavascriptExecutor) browser).executeScript( // one read: it re-renders
                "return Array.from(document.querySelectorAll('#connectors tbody tr')).map(r => r.innerText)");
        assertEquals(3, rows.size(), rows.toString());
        for (String row : rows) {
            assertTrue(row.contains("RUNNING"), row);
        }
        wait.until(d -> !d.findElements(By.cssSelector("#counts tbody tr[data-table='streaming_etl_db.person']")).isEmpty());
        screenshot("connectors");
    }

    /** A change made in MariaDB shows in the counts and in the event view, its hostile text as text. */
    @Test
    @Order(2)
    void aChangeInMariaDbAppearsInTheCountsAndTheEvents() throws Exception {
        // The snapshot may still be arriving: start from the page showing all of MariaDB's rows.
        long before = sourceCount();
        wait.until(d -> Long.parseLong(count("streaming_etl_db.person")) == before);
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO streaming_etl_db.person (id, first_name, last_name)"
                + " VALUES (4242, 'Ada', " + sqlString(HOSTILE) + ")");
        wait.until(d -> Long.parseLong(count("streaming_etl_db.person")) == before + 1);
        wait.until(d -> !d.findElements(By.cssSelector("#sink-tables tbody tr[data-table='streaming_etl_db.person']")).isEmpty());

        wait.until(d -> new Select(d.findElement(By.id("events-topic"))).getOptions().stream()
                .anyMatch(o -> o.getAttribute("value").equals("dbserver.streaming_etl_db.person")));
        new Select(browser.findElement(By.id("events-topic"))).selectByValue("dbserver.streaming_etl_db.person");
        browser.findElement(By.id("events-load")).click();
        wait.until(d -> d.findElements(By.cssSelector("#events .event-value")).stream()
                .anyMatch(e -> e.getText().contains("4242")));
        WebElement newest = browser.findElements(By.cssSelector("#events .event-value")).get(0);
        assertTrue(newest.getText().contains(HOSTILE.replace("\"", "\\\"")), "the hostile value as text: " + newest.getText());
        // Before and after the SMT, as JSON: the Debezium envelope and the flat row, the columns an
        // update changed marked.
        SourceDatabase.transaction(stack.mariaDb(), "UPDATE streaming_etl_db.person SET email = 'ada@example.org'"
                + " WHERE id = 4242");
        wait.until(d -> {
            d.findElement(By.id("events-load")).click();
            return d.findElements(By.cssSelector("#changes .change-before")).stream()
                    .anyMatch(e -> e.getText().contains("\"id\": 4242") && e.getText().contains("\"op\": \"u\""));
        });
        String envelope = browser.findElements(By.cssSelector("#changes .change-before")).get(0).getText();
        WebElement row = browser.findElements(By.cssSelector("#changes .change-after")).get(0);
        assertTrue(envelope.contains("\"after\": {") && envelope.contains(HOSTILE.replace("\"", "\\\"")), envelope);
        assertTrue(row.getText().startsWith("{") && row.getText().contains("\"id\": 4242")
                && row.getText().contains("\"_op\": \"u\""), row.getText());
        List<String> marked = row.findElements(By.cssSelector("mark.changed")).stream().map(WebElement::getText).toList();
        // email, and updated_at (ON UPDATE CURRENT_TIMESTAMP): the columns this update changed, and only they.
        assertEquals(2, marked.size(), "marked: " + marked);
        assertTrue(marked.get(0).equals(" \"email\": \"ada@example.org\",") && marked.get(1).startsWith(" \"updated_at\": "),
                "marked: " + marked);
        assertEquals(0L, ((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll('#events script, #events img, #changes script, #changes img').length"),
                "no element made from data");
        assertNull(((JavascriptExecutor) browser).executeScript("return window.hacked === undefined ? null : window.hacked"),
                "the data's script did not run");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('events-section').scrollIntoView()");
        screenshot("events");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('changes').scrollIntoView()");
        screenshot("changes");
    }

    /** An invalid value fails the worker's validate; the form shows the error at the field. */
    @Test
    @Order(3)
    void anInvalidConfigShowsTheFieldErrorAndAValidOneCreatesTheConnector() throws Exception {
        WebElement plugin = wait.until(d -> {
            WebElement p = d.findElement(By.id("form-plugin"));
            return new Select(p).getOptions().size() > 1 ? p : null;
        });
        new Select(plugin).selectByValue("io.streamingetl.clickhouse.ClickHouseSinkConnector");
        wait.until(d -> !d.findElements(By.id("field-clickhouse.url")).isEmpty());
        browser.findElement(By.id("form-name")).sendKeys("console-sink");
        browser.findElement(By.id("field-topics")).sendKeys("console.topic");
        browser.findElement(By.id("field-clickhouse.url")).sendKeys("ftp://clickhouse:8123");
        browser.findElement(By.id("validate")).click();
        By urlError = By.cssSelector(".field-error[data-field='clickhouse.url']");
        wait.until(d -> d.findElement(urlError).getText().contains("must start with http"));
        assertTrue(browser.findElement(By.cssSelector(".field[data-field='clickhouse.url']")).getAttribute("class")
                .contains("invalid"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                browser.findElement(By.cssSelector(".field[data-field='clickhouse.url']")));
        screenshot("form-error");

        WebElement url = browser.findElement(By.id("field-clickhouse.url"));
        url.clear();
        url.sendKeys(stack.clickHouse().httpUrl());
        browser.findElement(By.id("field-clickhouse.database")).sendKeys("streaming_etl_db");
        browser.findElement(By.id("apply")).click();
        wait.until(d -> d.findElement(By.id("form-result")).getText().contains("console-sink created or updated"));
        wait.until(d -> !d.findElements(By.cssSelector("#connectors tbody tr[data-connector='console-sink'] .state-RUNNING"))
                .isEmpty());
        assertEquals(stack.clickHouse().httpUrl(),
                stack.connect().rest().get("/connectors/console-sink/config").body().path("clickhouse.url").asText());
    }

    /** A PASSWORD option of a loaded connector stays empty: the form never shows a secret. */
    @Test
    @Order(4)
    void aLoadedConnectorsSecretIsNotShown() {
        WebElement name = browser.findElement(By.id("form-name"));
        name.clear();
        name.sendKeys("streaming_ETL_pipeline_MySQL-connector");
        new Select(browser.findElement(By.id("form-plugin"))).selectByValue("io.debezium.connector.mariadb.MariaDbConnector");
        wait.until(d -> !d.findElements(By.id("field-database.password")).isEmpty());
        browser.findElement(By.id("form-load")).click();
        wait.until(d -> d.findElement(By.id("form-result")).getText().startsWith("loaded"));
        WebElement password = browser.findElement(By.id("field-database.password"));
        assertEquals("password", password.getAttribute("type"));
        assertEquals("", password.getAttribute("value"));
        assertEquals("debezium", browser.findElement(By.id("field-database.user")).getAttribute("value"));
        assertTrue(!browser.getPageSource().contains("dbz\""), "the stored password is nowhere on the page");
    }

    /** A task that fails shows FAILED with its trace; Restart asks the worker to start it again. */
    @Test
    @Order(5)
    void aFailedTaskShowsItsTraceAndCanBeRestarted() throws Exception {
        stack.connect().rest().putConnector("failing-sink", stack.sinkConfig("streaming_etl_db")
                .without("topics.regex").with("topics", "dbserver.streaming_etl_db.geo")
                .with("table.name.template", "no_such_table")
                .with("auto.create", "false").with("errors.tolerance", "none").config());
        String failing = "#connectors tbody tr[data-connector='failing-sink']";
        wait.until(d -> !d.findElements(By.cssSelector(failing + " .state-FAILED")).isEmpty());
        browser.findElement(By.id("auto-refresh")).click(); // hold the table still while a person reads it
        JavascriptExecutor js = (JavascriptExecutor) browser;
        wait.until(d -> (Boolean) js.executeScript("const d = document.querySelector(arguments[0] + ' details');"
                + " if (!d) return false; d.open = true; d.scrollIntoView({block: 'center'}); return true;", failing));
        String trace = (String) js.executeScript("return document.querySelector(arguments[0] + ' pre.trace').textContent",
                failing);
        assertTrue(trace.contains("no_such_table does not exist and auto.create=false"), trace);
        screenshot("failed-task");
        browser.findElement(By.cssSelector(failing + " button")).click();
        wait.until(d -> d.findElement(By.id("connectors-message")).getText().contains("restart of failing-sink requested"));
        browser.findElement(By.id("auto-refresh")).click();
    }

    /** The FINAL count the page shows for {@code table}, read in one script: the table re-renders every 2 s. */
    private static String count(String table) {
        Object text = ((JavascriptExecutor) browser).executeScript("const c = document.querySelector("
                + "\"#counts tbody tr[data-table='\" + arguments[0] + \"'] td:nth-child(2)\"); return c ? c.textContent : ''",
                table);
        return text == null || text.toString().isBlank() ? "-1" : text.toString();
    }

    private static long sourceCount() throws SQLException {
        try (Connection c = stack.mariaDb().connect()) {
            return Long.parseLong(SourceDatabase.tsv(c, "SELECT COUNT(*) FROM streaming_etl_db.person").strip());
        }
    }

    private static String sqlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String binary(String name, String fallback) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return fallback;
    }

    private static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Files.createDirectories(Path.of("target", "console-screenshots")).resolve(name + ".png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("readme.write")) {
            Path docs = Files.createDirectories(StackLayout.repoRoot().resolve("docs/console"));
            Files.copy(shot, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
