-- revision: a1
-- revises: 
-- message: m

-- migrate:up

-- migrate:down
SELECT 1;
