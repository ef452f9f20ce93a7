CREATE TABLE posts (
    id integer PRIMARY KEY,
    title varchar(100) NOT NULL
);
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id integer NOT NULL,
    body text,
    CONSTRAINT fk_comments_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);
