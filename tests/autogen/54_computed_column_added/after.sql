CREATE TABLE users (
    id integer PRIMARY KEY,
    foo integer GENERATED ALWAYS AS (5) VIRTUAL
);
