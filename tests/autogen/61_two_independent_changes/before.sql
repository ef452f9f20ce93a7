CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL
);
CREATE TABLE orders (
    id integer PRIMARY KEY,
    user_id integer NOT NULL
);
