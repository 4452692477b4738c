package io.streamingetl.enrichment;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The join's row rule (pure logic): which rows are deletes and which version they carry. */
class EnrichedRowTest {
    private static final Rows.Address ADDRESS = new Rows.Address(1, 7, "Street 1", "London", null, "GB", false, 100);
    private static final Rows.Person PERSON = new Rows.Person(7, "Ada", "Lovelace", null, -56_000, false, 50);
    private static final Rows.GeoSlot GEO = new Rows.GeoSlot(3, new BigDecimal("51.507400"),
            new BigDecimal("-0.135800"), true, 80);

    @Test
    void liveRowTakesTheNewestInputVersion() {
        Rows.Enriched row = Rows.Enriched.of(new Rows.AddressPerson(ADDRESS, PERSON), GEO);
        assertFalse(row.deleted());
        assertEquals(100, row.version());
        assertEquals("Ada", row.firstName());
        assertEquals(3, row.geoId());

        Rows.Person renamed = new Rows.Person(7, "Augusta Ada", "Lovelace", null, -56_000, false, 300);
        Rows.Enriched after = Rows.Enriched.of(new Rows.AddressPerson(ADDRESS, renamed), GEO);
        assertEquals(300, after.version(), "the person's change is the newest input");
        assertEquals("Augusta Ada", after.firstName());
    }

    @Test
    void missingOrDeletedPersonIsADeleteWithoutPersonFields() {
        Rows.Enriched missing = Rows.Enriched.of(new Rows.AddressPerson(ADDRESS, null), null);
        assertTrue(missing.deleted(), "inner join: no person, no row");
        assertNull(missing.firstName());
        assertEquals(100, missing.version());

        Rows.Person deleted = new Rows.Person(7, "Ada", "Lovelace", null, null, true, 400);
        Rows.Enriched gone = Rows.Enriched.of(new Rows.AddressPerson(ADDRESS, deleted), GEO);
        assertTrue(gone.deleted());
        assertEquals(400, gone.version(), "the delete outranks the row it replaces");
    }

    @Test
    void deletedAddressIsADeleteAtItsVersion() {
        Rows.Address deleted = new Rows.Address(1, 7, "Street 1", "London", null, "GB", true, 500);
        Rows.Enriched row = Rows.Enriched.of(new Rows.AddressPerson(deleted, PERSON), GEO);
        assertTrue(row.deleted());
        assertEquals(500, row.version());
    }

    @Test
    void geoThatLeftEmptiesTheGeoColumnsAndRaisesTheVersion() {
        Rows.Enriched row = Rows.Enriched.of(new Rows.AddressPerson(ADDRESS, PERSON), Rows.GeoSlot.gone(3, 600));
        assertFalse(row.deleted(), "left join: the address stays without geo");
        assertNull(row.geoId());
        assertNull(row.latitude());
        assertEquals(600, row.version(), "the geo move is the newest change of this row");
    }
}
