CREATE TABLE posts (
    id integer PRIMARY KEY,
    title varchar(100) NOT NULL
);
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id integer NOT NULL,
    body text
);
