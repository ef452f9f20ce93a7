CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL
);
CREATE TABLE audit_log (
    id integer PRIMARY KEY,
    message text NOT NULL
);
