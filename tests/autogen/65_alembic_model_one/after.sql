CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    a1 text DEFAULT 'x'
);
CREATE TABLE address (
    id integer PRIMARY KEY,
    email_address varchar(100) NOT NULL,
    street varchar(50),
    CONSTRAINT uq_email UNIQUE (email_address)
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    amount numeric(10,2) DEFAULT 0,
    user_id integer,
    CONSTRAINT ck_order_amount CHECK (amount > -1),
    CONSTRAINT fk_orders_user_id FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE item (
    id integer PRIMARY KEY,
    description varchar(100),
    order_id integer,
    CONSTRAINT fk_item_order_id FOREIGN KEY (order_id) REFERENCES orders (order_id),
    CONSTRAINT ck_item_description CHECK (length(description) > 5)
);
