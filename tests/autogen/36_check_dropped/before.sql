CREATE TABLE products (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    price numeric(10,2) NOT NULL,
    CONSTRAINT ck_products_price CHECK (price >= 0)
);
