CREATE TABLE users (
    id integer PRIMARY KEY,
    full_name varchar(50) NOT NULL
);
