CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50),
    a1 text,
    pw varchar(50)
);
CREATE INDEX pw_idx ON users (pw);
CREATE TABLE address (
    id integer PRIMARY KEY,
    email_address varchar(100) NOT NULL
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    amount numeric(8,2) NOT NULL DEFAULT 0,
    CONSTRAINT ck_order_amount CHECK (amount >= 0)
);
CREATE TABLE extra (
    x char(1),
    uid integer,
    CONSTRAINT fk_extra_uid FOREIGN KEY (uid) REFERENCES users (id)
);
