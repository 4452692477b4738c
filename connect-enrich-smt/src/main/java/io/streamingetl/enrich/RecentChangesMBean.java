package io.streamingetl.enrich;

/** JMX view of {@link RecentChanges}: what the pipeline console shows as "before / after the SMT". */
public interface RecentChangesMBean {
    /** The newest changes of {@code topic}, newest first, as a JSON array of {time, before, after}. */
    String recent(String topic);
}
