CREATE TABLE events (
    id integer PRIMARY KEY,
    created_at timestamp NOT NULL DEFAULT timezone('utc', CURRENT_TIMESTAMP)
);
