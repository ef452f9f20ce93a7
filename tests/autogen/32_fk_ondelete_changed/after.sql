CREATE TABLE some_table (
    id integer PRIMARY KEY,
    test varchar(10)
);
CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    tid integer,
    CONSTRAINT fk_users_tid FOREIGN KEY (tid) REFERENCES some_table (id) ON DELETE CASCADE
);
