-- Query-time twins of the source's reference views, over the CDC tables the sink writes
-- (ReplacingMergeTree(_version, _deleted)): FINAL gives each table's current rows, the joins are
-- those of connector-configs/sql/04-views.sql. For users who skip the stream join; it costs a
-- FINAL merge of three tables per query. The base tables must exist first (the sink creates them
-- with the first rows; local mode runs this file after the snapshot arrived).
-- join_use_nulls: an address without geo gets NULL geo columns, as in MySQL, not 0.
CREATE OR REPLACE VIEW streaming_etl_db.person_enriched_joined AS
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
FROM (SELECT * FROM streaming_etl_db.address FINAL WHERE _deleted = 0) AS a
INNER JOIN (SELECT * FROM streaming_etl_db.person FINAL WHERE _deleted = 0) AS p ON p.id = a.person_id
LEFT JOIN (SELECT * FROM streaming_etl_db.geo FINAL WHERE _deleted = 0) AS g ON g.address_id = a.id
SETTINGS join_use_nulls = 1;

CREATE OR REPLACE VIEW streaming_etl_db.people_per_city_joined AS
SELECT a.city AS city, toInt64(uniqExact(a.person_id)) AS people
FROM (SELECT * FROM streaming_etl_db.address FINAL WHERE _deleted = 0) AS a
INNER JOIN (SELECT * FROM streaming_etl_db.person FINAL WHERE _deleted = 0) AS p ON p.id = a.person_id
GROUP BY a.city;
