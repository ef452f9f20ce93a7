CREATE TABLE blobs (
    id integer PRIMARY KEY,
    data text
) ENGINE = InnoDB ROW_FORMAT = COMPACT;
