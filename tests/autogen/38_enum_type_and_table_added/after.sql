CREATE TABLE users (
    id integer PRIMARY KEY
);
CREATE TYPE ticket_status AS ENUM ('open', 'closed');
CREATE TABLE tickets (
    id integer PRIMARY KEY,
    status ticket_status NOT NULL DEFAULT 'open'
);
