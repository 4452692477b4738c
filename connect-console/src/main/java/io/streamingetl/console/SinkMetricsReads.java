package io.streamingetl.console;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ClickHouse sink's JMX metrics of the tasks running in this worker (the sink registers them
 * in the platform MBean server): per table rows written, rows/s, inserts, last insert; per task
 * buffered rows and bytes and dead-lettered records.
 */
final class SinkMetricsReads {
    private static final String DOMAIN = "io.streamingetl.clickhouse";

    private SinkMetricsReads() {
    }

    static Map<String, Object> read() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<Map<String, Object>> tables = new ArrayList<>();
        for (ObjectName name : server.queryNames(new ObjectName(DOMAIN + ":type=clickhouse-sink-table,*"), null)) {
            Map<String, Object> row = tags(name, "connector", "task", "table");
            for (String attribute : new String[] {"rows-written-total", "rows-written-rate", "batches-total",
                    "last-insert-ms", "insert-latency-avg-ms", "errors-total"}) {
                row.put(attribute, attribute(server, name, attribute));
            }
            tables.add(row);
        }
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (ObjectName name : server.queryNames(new ObjectName(DOMAIN + ":type=clickhouse-sink-task,*"), null)) {
            Map<String, Object> row = tags(name, "connector", "task");
            for (String attribute : new String[] {"buffer-rows", "buffer-bytes", "records-dlq-total",
                    "records-received-total"}) {
                row.put(attribute, attribute(server, name, attribute));
            }
            tasks.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tables", tables);
        out.put("tasks", tasks);
        return out;
    }

    private static Map<String, Object> tags(ObjectName name, String... keys) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String k : keys) {
            row.put(k, ObjectName.unquote(quoted(name.getKeyProperty(k))));
        }
        return row;
    }

    /** ObjectName.unquote needs quotes; Kafka's JmxReporter quotes only values that need it. */
    private static String quoted(String v) {
        return v == null ? "\"\"" : v.startsWith("\"") ? v : "\"" + v + "\"";
    }

    private static Object attribute(MBeanServer server, ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (Exception e) {
            return null; // an older sink without this metric
        }
    }
}
