CREATE TABLE some_table (
    id integer PRIMARY KEY,
    test varchar(10)
);
CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    a1 varchar(10) DEFAULT 'x',
    test2 integer
);
