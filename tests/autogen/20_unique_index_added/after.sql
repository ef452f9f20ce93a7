CREATE TABLE users (
    id integer PRIMARY KEY,
    email varchar(100)
);
CREATE UNIQUE INDEX ux_users_email ON users (email);
