package io.streamingetl.enrich;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import io.streamingetl.common.JsonText;
import org.apache.kafka.connect.data.Struct;

/**
 * The last few records per topic as they entered and left the transform, kept in memory and shown
 * over JMX (the pipeline console reads it): the Debezium envelope exists only inside the source
 * task, Kafka holds just the result. One transform instance serves one task thread, so writing
 * takes no lock: per record one small object and one ordered array store (the ring of the last
 * topic is remembered, so a run of one topic skips the map). Readers see each slot whole, and
 * values are rendered as text only when someone asks.
 */
final class RecentChanges implements RecentChangesMBean, AutoCloseable {
    static final String DOMAIN = "io.streamingetl.enrich";
    private static final AtomicLong INSTANCES = new AtomicLong();

    private record Change(long timeMs, Object before, Object after) {
    }

    /** A fixed ring per topic; a slot is replaced whole, so readers never see half a change. */
    private static final class Ring {
        final AtomicReferenceArray<Change> slots;
        volatile long next;

        Ring(int size) {
            slots = new AtomicReferenceArray<>(size);
        }
    }

    private final int size;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();
    private final ObjectName name;
    private String lastTopic;
    private Ring lastRing;

    private RecentChanges(int size, ObjectName name) {
        this.size = size;
        this.name = name;
    }

    /** Registered in the platform MBean server as {@code io.streamingetl.enrich:type=recent-changes,instance=N}. */
    static RecentChanges register(int size) {
        try {
            ObjectName name = new ObjectName(DOMAIN + ":type=recent-changes,instance=" + INSTANCES.incrementAndGet());
            RecentChanges changes = new RecentChanges(size, name);
            ManagementFactory.getPlatformMBeanServer().registerMBean(changes, name);
            return changes;
        } catch (Exception e) {
            return new RecentChanges(size, null); // no JMX: still works, nobody can look
        }
    }

    /** Called by the task's thread only. */
    @SuppressWarnings("ReferenceEquality") // an identity fast path; a miss falls back to the map
    void add(String topic, Object before, Object after) {
        Ring ring = lastRing;
        if (topic != lastTopic) {
            ring = rings.computeIfAbsent(topic, t -> new Ring(size));
            lastTopic = topic;
            lastRing = ring;
        }
        long n = ring.next;
        ring.slots.lazySet((int) (n % size), new Change(System.currentTimeMillis(), before, after));
        ring.next = n + 1;
    }

    @Override
    public String recent(String topic) {
        Ring ring = rings.get(topic);
        List<Change> newestFirst = new ArrayList<>();
        if (ring != null) {
            long next = ring.next;
            for (long i = next - 1; i >= 0 && i >= next - size; i--) {
                Change c = ring.slots.get((int) (i % size));
                if (c != null) {
                    newestFirst.add(c);
                }
            }
        }
        StringBuilder json = new StringBuilder("[");
        for (Change c : newestFirst) {
            json.append(json.length() > 1 ? "," : "").append("{\"time\":").append(c.timeMs()).append(",\"before\":")
                    .append(asJson(c.before())).append(",\"after\":")
                    .append(c.after() == null ? "\"(dropped)\"" : asJson(c.after())).append('}');
        }
        return json.append(']').toString();
    }

    /** A record value as JSON, as people read it: a Struct by its schema (dates as dates), a map as is. */
    private static String asJson(Object value) {
        String json = value instanceof Struct struct ? JsonText.render(struct, struct.schema()) : JsonText.render(value);
        return json == null ? "null" : json;
    }

    @Override
    public void close() {
        if (name != null) {
            try {
                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            } catch (Exception ignored) {
                // already gone
            }
        }
    }
}
