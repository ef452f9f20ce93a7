CREATE TABLE users (
    id integer PRIMARY KEY,
    city varchar(30) NOT NULL DEFAULT 'unknown'
);
