CREATE TABLE some_table (
    test varchar(10) PRIMARY KEY
);
CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    a1 varchar(10) DEFAULT 'x',
    test2 varchar(10),
    CONSTRAINT fk_users_test2 FOREIGN KEY (test2) REFERENCES some_table (test)
);
