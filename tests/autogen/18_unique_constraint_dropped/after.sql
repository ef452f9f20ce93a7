CREATE TABLE something_changed (
    id integer PRIMARY KEY,
    sid integer NOT NULL,
    label varchar(30) NOT NULL,
    fid integer NOT NULL,
    CONSTRAINT uq_sid_fid UNIQUE (sid, fid)
);
