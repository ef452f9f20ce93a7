CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    amount numeric(10,2),
    user_id integer,
    CONSTRAINT order_order_id_user_id_unique UNIQUE (order_id, user_id)
);
CREATE UNIQUE INDEX order_user_id_amount_idx ON orders (user_id, amount);
