CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL
);
CREATE TABLE orders (
    id integer PRIMARY KEY,
    user_id integer NOT NULL,
    ref varchar(20) NOT NULL,
    status varchar(10) NOT NULL DEFAULT 'new',
    total numeric(10,2) NOT NULL DEFAULT 0,
    note text,
    CONSTRAINT uq_orders_ref UNIQUE (ref),
    CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_orders_total CHECK (total >= 0)
);
CREATE INDEX ix_orders_user_status ON orders (user_id, status);
CREATE VIEW user_orders AS SELECT u.id, u.name, o.ref FROM users u JOIN orders o ON o.user_id = u.id;
