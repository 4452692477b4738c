-- Seed rows, inserted once when the database is created. The snapshot brings them to ClickHouse.
INSERT INTO streaming_etl_db.person (id, first_name, last_name, email, birth_date) VALUES
    (1, 'Ada', 'Lovelace', 'ada@example.com', '1815-12-10'),
    (2, 'Alan', 'Turing', 'alan@example.com', '1912-06-23'),
    (3, 'Grace', 'Hopper', 'grace@example.com', '1906-12-09'),
    (4, 'Edsger', 'Dijkstra', NULL, '1930-05-11'),
    (5, 'Barbara', 'Liskov', 'barbara@example.com', NULL);

INSERT INTO streaming_etl_db.address (id, person_id, street, city, postal_code, country) VALUES
    (1, 1, '12 St James''s Square', 'London', 'SW1Y 4JH', 'GB'),
    (2, 2, 'Bletchley Park', 'Milton Keynes', 'MK3 6EB', 'GB'),
    (3, 3, '1 Navy Yard', 'Arlington', '22202', 'US'),
    (4, 4, 'Plantage Muidergracht 24', 'Amsterdam', '1018 TV', 'NL'),
    (5, 5, '77 Massachusetts Ave', 'Cambridge', '02139', 'US'),
    (6, 1, 'Ockham Park', 'Ockham', 'GU23 6NT', 'GB');

INSERT INTO streaming_etl_db.geo (id, address_id, latitude, longitude) VALUES
    (1, 1, 51.507400, -0.135800),
    (2, 2, 51.997200, -0.740600),
    (3, 3, 38.871600, -77.055900),
    (4, 4, 52.363400, 4.912500),
    (5, 5, 42.360100, -71.094200),
    (6, 6, 51.292100, -0.449300);
