CREATE TABLE scores (
    id integer PRIMARY KEY,
    points integer NOT NULL,
    CONSTRAINT ck_scores_points CHECK (points BETWEEN 0 AND 100)
);
