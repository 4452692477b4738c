package io.streamingetl.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The enrich SMT's recent changes of a topic, before and after the transform, from every SMT
 * instance in this worker (JMX {@code io.streamingetl.enrich:type=recent-changes}): the Debezium
 * envelope exists only inside the source task, so this is where the console finds it.
 */
final class RecentChangesReads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecentChangesReads() {
    }

    static List<JsonNode> read(String topic, int n) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<JsonNode> all = new ArrayList<>();
        for (ObjectName name : server.queryNames(new ObjectName("io.streamingetl.enrich:type=recent-changes,*"), null)) {
            Object text = server.invoke(name, "recent", new Object[] {topic}, new String[] {String.class.getName()});
            JSON.readTree(String.valueOf(text)).forEach(all::add);
        }
        all.sort(Comparator.comparingLong((JsonNode c) -> c.path("time").asLong()).reversed());
        return all.subList(0, Math.min(n, all.size()));
    }
}
