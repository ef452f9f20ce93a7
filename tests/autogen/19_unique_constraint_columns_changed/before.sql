CREATE TABLE col_change (
    x integer,
    y integer,
    CONSTRAINT nochange UNIQUE (x)
);
