CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    active boolean NOT NULL DEFAULT true
);
