-- revision: m1
-- revises: x1, y1, z1
-- message: merge three lines

-- migrate:up

-- migrate:down
