CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    email varchar(100)
);
CREATE TABLE orders (
    id integer PRIMARY KEY,
    user_id integer NOT NULL
);
CREATE INDEX ix_orders_user_id ON orders (user_id);
