CREATE TABLE some_table (
    id_1 varchar(10) NOT NULL,
    id_2 varchar(10) NOT NULL,
    CONSTRAINT some_table_pkey PRIMARY KEY (id_1, id_2)
);
CREATE TABLE users (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    a1 varchar(10) DEFAULT 'x',
    other_id_1 varchar(10),
    other_id_2 varchar(10),
    CONSTRAINT fk_test_name FOREIGN KEY (other_id_1, other_id_2) REFERENCES some_table (id_1, id_2)
);
