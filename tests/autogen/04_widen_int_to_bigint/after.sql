CREATE TABLE items (
    id integer PRIMARY KEY,
    qty bigint NOT NULL
);
