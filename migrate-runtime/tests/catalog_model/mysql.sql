CREATE TABLE migrate_history (revision varchar(32) PRIMARY KEY);
CREATE TABLE migrate_history_summary (digest varchar(64));
CREATE TABLE users (
    id int NOT NULL AUTO_INCREMENT,
    email varchar(100) COLLATE utf8mb4_bin NOT NULL COMMENT 'where to write',
    name varchar(20) DEFAULT 'anon',
    bio text,
    updated timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    settings json,
    age int CHECK (age >= 0),
    PRIMARY KEY (id),
    UNIQUE KEY users_email (email),
    KEY users_bio_prefix (bio(10)),
    FULLTEXT KEY users_bio_text (bio),
    KEY users_name_desc (name DESC, age)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='people';
CREATE TABLE orders (
    user_id int NOT NULL,
    line int NOT NULL,
    price decimal(10,2) NOT NULL,
    quantity int NOT NULL DEFAULT 1,
    total decimal(12,2) AS (price * quantity) STORED,
    half decimal(12,2) AS (price / 2) VIRTUAL,
    PRIMARY KEY (user_id, line),
    CONSTRAINT orders_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT orders_price CHECK (price > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE parts (id int PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2;
CREATE VIEW big_orders AS SELECT user_id, price FROM orders WHERE price > 100;
CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2;
CREATE TRIGGER users_age BEFORE INSERT ON users FOR EACH ROW SET NEW.age = COALESCE(NEW.age, 0);
