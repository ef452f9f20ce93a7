-- revision: c0ffee000001
-- revises: 4f1c2a9b7e3d, 9d0e1f2a3b4c
-- message: Merge email and orders
-- created: 2026-11-22T07:00:00Z

-- migrate:up
-- A merge revision: joins its parents.

-- migrate:down
