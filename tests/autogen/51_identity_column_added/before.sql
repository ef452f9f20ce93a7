CREATE TABLE users (
    other text
);
