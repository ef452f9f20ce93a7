CREATE TABLE events (
    id integer PRIMARY KEY,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
