CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    email varchar(100),
    active integer NOT NULL DEFAULT 1
);
CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;
