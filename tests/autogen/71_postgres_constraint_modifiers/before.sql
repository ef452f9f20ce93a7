CREATE TABLE parents (a integer NOT NULL, b integer NOT NULL, CONSTRAINT parents_pkey PRIMARY KEY (a, b));
CREATE TABLE items (
  id integer PRIMARY KEY,
  code text,
  a integer,
  b integer,
  qty integer,
  position integer,
  CONSTRAINT items_position_key UNIQUE (position),
  CONSTRAINT items_code_key UNIQUE (code),
  CONSTRAINT items_parent_fk FOREIGN KEY (a, b) REFERENCES parents (a, b),
  CONSTRAINT items_qty_check CHECK (qty > 0)
);
CREATE UNIQUE INDEX items_ab ON items (a, b);
