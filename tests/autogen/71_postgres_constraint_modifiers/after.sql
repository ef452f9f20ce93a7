CREATE TABLE parents (a integer NOT NULL, b integer NOT NULL, CONSTRAINT parents_pkey PRIMARY KEY (a, b));
CREATE TABLE items (
  id integer,
  code text,
  a integer,
  b integer,
  qty integer,
  position integer,
  CONSTRAINT items_pkey PRIMARY KEY (id) DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT items_position_key UNIQUE (position) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT items_code_key UNIQUE NULLS NOT DISTINCT (code),
  CONSTRAINT items_parent_fk FOREIGN KEY (a, b) REFERENCES parents (a, b) MATCH FULL,
  CONSTRAINT items_qty_check CHECK (qty > 0) NO INHERIT
);
CREATE UNIQUE INDEX items_ab ON items (a, b) NULLS NOT DISTINCT;
