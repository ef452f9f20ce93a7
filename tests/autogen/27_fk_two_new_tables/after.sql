CREATE TABLE parent (
    id integer PRIMARY KEY
);
CREATE TABLE child (
    parent_id integer,
    CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
);
