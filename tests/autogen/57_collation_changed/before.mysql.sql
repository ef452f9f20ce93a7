CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;
