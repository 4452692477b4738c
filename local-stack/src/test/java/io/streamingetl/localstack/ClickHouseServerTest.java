package io.streamingetl.localstack;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.data.ClickHouseFormat;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseServerTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static Client client() {
        return new Client.Builder().addEndpoint(stack.clickHouse().httpUrl()).setUsername("default").setPassword("")
                .build();
    }

    @Test
    void isModernClickHouse() {
        String version = stack.clickHouse().query("SELECT version()").trim();
        int major = Integer.parseInt(version.substring(0, version.indexOf('.')));
        assertTrue(major >= 24, "ClickHouse " + version + " is too old for DateTime64 and ReplacingMergeTree(ver, is_deleted)");
    }

    @Test
    void replacingMergeTreeRowsSurviveRestartAndKill() throws Exception {
        var server = stack.clickHouse();
        server.query("CREATE TABLE survive (id UInt64, name String, _version UInt64, _deleted UInt8) "
                + "ENGINE = ReplacingMergeTree(_version, _deleted) ORDER BY id");
        try (Client client = client()) {
            TableSchema schema = client.getTableSchema("survive");
            InsertSettings settings = new InsertSettings().serverSetting("async_insert", "0");
            client.insert("survive", out -> {
                RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
                long[][] rows = {{1, 1, 0}, {2, 1, 0}, {1, 2, 0}, {2, 3, 1}};
                for (long[] row : rows) {
                    w.setValue("id", row[0]);
                    w.setValue("name", "v" + row[1]);
                    w.setValue("_version", row[1]);
                    w.setValue("_deleted", (int) row[2]);
                    w.commitRow();
                }
            }, ClickHouseFormat.RowBinary, settings).get(30, TimeUnit.SECONDS);

            List<GenericRecord> latest = client.queryAll("SELECT id, name FROM survive FINAL ORDER BY id");
            assertEquals(1, latest.size(), "row 2 was deleted by its newest version");
            assertEquals("v2", latest.get(0).getString("name"));
        }

        server.query("CREATE TABLE plain (n UInt64) ENGINE = MergeTree ORDER BY n");
        server.query("INSERT INTO plain SELECT number FROM numbers(1000) SETTINGS async_insert = 0");

        server.restart();
        assertEquals("1\tv2\n", server.query("SELECT id, name FROM survive FINAL ORDER BY id"));

        long pid = server.process().pid();
        server.kill();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "kill -9 ended the server");
        server.start();
        assertEquals("1\tv2\n", server.query("SELECT id, name FROM survive FINAL ORDER BY id"));
        assertEquals("1000\t499500\n", server.query("SELECT count(), sum(n) FROM plain"));
    }
}
