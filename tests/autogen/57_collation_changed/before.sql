CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL
);
