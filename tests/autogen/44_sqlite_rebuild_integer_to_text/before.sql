CREATE TABLE codes (
    id integer PRIMARY KEY,
    code integer NOT NULL
);
