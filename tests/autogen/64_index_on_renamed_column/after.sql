CREATE TABLE users (
    id integer PRIMARY KEY,
    email_address varchar(100)
);
CREATE INDEX ix_users_email ON users (email_address);
