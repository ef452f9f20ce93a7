CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(20) NOT NULL
);
