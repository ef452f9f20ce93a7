CREATE TABLE logs (
    id integer PRIMARY KEY,
    happened_at timestamp NOT NULL,
    level varchar(10) NOT NULL
);
CREATE INDEX ix_logs_level_happened ON logs (level, happened_at);
