CREATE TABLE migrate_history (revision TEXT PRIMARY KEY);
CREATE TABLE migrate_history_summary (digest TEXT);
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL COLLATE NOCASE,
    name VARCHAR(20) DEFAULT 'anon',
    "check (x)" INTEGER CHECK ("check (x)" > 0), -- a CHECK (in a comment) is not one
    [CHECK] TEXT DEFAULT 'CHECK (no)',
    CONSTRAINT users_email UNIQUE (email),
    UNIQUE (name)
);
CREATE TABLE orders (
    user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
    line INTEGER NOT NULL,
    price REAL NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1,
    total REAL GENERATED ALWAYS AS (price * (quantity + 0)) STORED,
    half REAL AS (price / 2),
    CONSTRAINT orders_pk PRIMARY KEY (user_id, line),
    CONSTRAINT orders_users FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT positive CHECK (price > 0 AND (quantity >= 1))
);
CREATE INDEX orders_expr ON orders (lower(CAST(price AS TEXT)), quantity DESC) WHERE quantity > 1;
CREATE UNIQUE INDEX users_name_desc ON users (name DESC);
CREATE VIEW big_orders AS SELECT user_id, price FROM orders WHERE price > 100;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET name = name WHERE id = NEW.id; END;
CREATE TRIGGER history_touch AFTER INSERT ON migrate_history BEGIN SELECT 1; END;
