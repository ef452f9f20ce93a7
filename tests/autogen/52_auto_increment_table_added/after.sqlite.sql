CREATE TABLE users (
    id integer PRIMARY KEY
);
CREATE TABLE counters (
    id integer PRIMARY KEY AUTOINCREMENT,
    label varchar(20) NOT NULL
);
