-- Reference views: what the stream join (connector-configs/ksql/, enrichment-streams/) and the
-- ClickHouse query-time view (connector-configs/clickhouse/) must equal, row for row.
-- Semantics: ONE ROW PER ADDRESS. address INNER JOIN person (an address whose person does not
-- exist has no row), LEFT JOIN geo (an address without a geo point has NULL geo columns).
-- geo.address_id is UNIQUE, so the LEFT JOIN never duplicates an address.
-- Runs on MySQL 8 and MariaDB (plain joins, CREATE OR REPLACE VIEW).
CREATE OR REPLACE VIEW streaming_etl_db.person_enriched AS
SELECT a.id          AS address_id,
       p.id          AS person_id,
       p.first_name  AS first_name,
       p.last_name   AS last_name,
       p.email       AS email,
       p.birth_date  AS birth_date,
       a.street      AS street,
       a.city        AS city,
       a.postal_code AS postal_code,
       a.country     AS country,
       g.id          AS geo_id,
       g.latitude    AS latitude,
       g.longitude   AS longitude
FROM streaming_etl_db.address a
JOIN streaming_etl_db.person p ON p.id = a.person_id
LEFT JOIN streaming_etl_db.geo g ON g.address_id = a.id;

-- People per city: distinct persons with at least one address (of an existing person) in the
-- city. A city nobody lives in has no row. Cities compare with the column's collation here
-- (utf8mb4_unicode_ci: 'London' = 'london'); the stream aggregates compare exactly.
CREATE OR REPLACE VIEW streaming_etl_db.people_per_city AS
SELECT a.city                      AS city,
       COUNT(DISTINCT a.person_id) AS people
FROM streaming_etl_db.address a
JOIN streaming_etl_db.person p ON p.id = a.person_id
GROUP BY a.city;
