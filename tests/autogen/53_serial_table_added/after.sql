CREATE TABLE users (
    id integer PRIMARY KEY
);
CREATE TABLE tags (
    id serial PRIMARY KEY,
    label varchar(20) NOT NULL
);
