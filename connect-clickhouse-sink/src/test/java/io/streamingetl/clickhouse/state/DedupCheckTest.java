package io.streamingetl.clickhouse.state;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which dedup window a table uses, read from its engine_full as system.tables shows it. */
class DedupCheckTest {
    @Test
    void replicatedTablesUseTheReplicatedWindow() {
        assertEquals(DedupCheck.REPLICATED, DedupCheck.windowSetting("ReplicatedReplacingMergeTree"));
        assertEquals(DedupCheck.NON_REPLICATED, DedupCheck.windowSetting("ReplacingMergeTree"));
    }

    @Test
    void theWindowIsReadFromTheTablesSettings() {
        String both = "ReplicatedMergeTree('/t/{shard}', '{replica}') ORDER BY id SETTINGS "
                + "non_replicated_deduplication_window = 100, replicated_deduplication_window = 0, index_granularity = 8192";
        assertEquals(0L, DedupCheck.window(both, DedupCheck.REPLICATED));
        assertEquals(100L, DedupCheck.window(both, DedupCheck.NON_REPLICATED));
        String nonReplicatedOnly = "MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 1000";
        assertNull(DedupCheck.window(nonReplicatedOnly, DedupCheck.REPLICATED), "not the suffix of the other name");
        assertNull(DedupCheck.window("MergeTree ORDER BY id SETTINGS index_granularity = 8192", DedupCheck.NON_REPLICATED));
    }
}
