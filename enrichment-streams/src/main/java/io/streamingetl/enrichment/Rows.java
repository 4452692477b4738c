package io.streamingetl.enrichment;

import java.math.BigDecimal;

/**
 * The rows the topology keeps in its tables and internal topics. Source rows keep soft deletes
 * ({@code deleted} true, the before image, the delete's version) instead of disappearing, so
 * every later result can carry a version at least as high as the change that caused it.
 */
final class Rows {
    private Rows() {
    }

    /** streaming_etl_db.person as the SMT wrote it. {@code birthDate}: days since 1970-01-01. */
    record Person(int id, String firstName, String lastName, String email, Integer birthDate, boolean deleted,
                  long version) {
    }

    /** streaming_etl_db.address as the SMT wrote it. */
    record Address(int id, int personId, String street, String city, String postalCode, String country,
                   boolean deleted, long version) {
    }

    /** streaming_etl_db.geo as the SMT wrote it. */
    record Geo(int id, int addressId, BigDecimal latitude, BigDecimal longitude, boolean deleted, long version) {
    }

    /**
     * What the geo side says about one address: its geo point ({@code present}), or that the
     * point {@code geoId} left or was deleted at {@code version} ({@code present} false). The
     * marker keeps the version, so the address's enriched row moves forward when it loses its geo.
     */
    record GeoSlot(int geoId, BigDecimal latitude, BigDecimal longitude, boolean present, long version) {
        static GeoSlot of(Geo geo) {
            return new GeoSlot(geo.id(), geo.latitude(), geo.longitude(), true, geo.version());
        }

        static GeoSlot gone(int geoId, long version) {
            return new GeoSlot(geoId, null, null, false, version);
        }
    }

    /** The result of the foreign-key join address -> person (person null while it is missing). */
    record AddressPerson(Address address, Person person) {
    }

    /**
     * One enriched row per address. {@code deleted}: the row is not in the reference view (address
     * deleted, person missing or deleted). {@code version}: see {@link Enriched#of}.
     */
    record Enriched(int addressId, int personId, String firstName, String lastName, String email,
                    Integer birthDate, String street, String city, String postalCode, String country, Integer geoId,
                    BigDecimal latitude, BigDecimal longitude, boolean deleted, long version) {

        /**
         * address INNER JOIN person LEFT JOIN geo, computed as left joins so that a row that stops
         * matching is still emitted, as a delete. Version: the highest version among the inputs
         * (a geo slot counts even when it says "gone"), i.e. the binlog version of the newest change
         * the row reflects.
         */
        static Enriched of(AddressPerson ap, GeoSlot slot) {
            Address a = ap.address();
            Person p = ap.person();
            boolean personLive = p != null && !p.deleted();
            boolean geoLive = slot != null && slot.present();
            long version = a.version();
            if (p != null) {
                version = Math.max(version, p.version());
            }
            if (slot != null) {
                version = Math.max(version, slot.version());
            }
            return new Enriched(a.id(), a.personId(),
                    personLive ? p.firstName() : null, personLive ? p.lastName() : null,
                    personLive ? p.email() : null, personLive ? p.birthDate() : null,
                    a.street(), a.city(), a.postalCode(), a.country(),
                    geoLive ? slot.geoId() : null, geoLive ? slot.latitude() : null, geoLive ? slot.longitude() : null,
                    a.deleted() || !personLive, version);
        }

        Enriched withVersion(long newVersion) {
            return new Enriched(addressId, personId, firstName, lastName, email, birthDate, street, city, postalCode,
                    country, geoId, latitude, longitude, deleted, newVersion);
        }

        boolean live() {
            return !deleted;
        }
    }

    /** A (city, person) pair gaining (+1) or losing (-1) one live address, caused by a change at {@code version}. */
    record CityDelta(String city, int personId, int delta, long version) {
    }

    /** The aggregate of one city: distinct live persons and the version of the last change that moved it. */
    record City(String city, long people, long version) {
    }
}
