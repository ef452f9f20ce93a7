CREATE TABLE users (
    id integer PRIMARY KEY,
    nickname varchar(30)
);
