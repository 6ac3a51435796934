-- PostgreSQL twin of migrations/0008_lists_created.sql: the same tables, columns and indexes
-- (TestEnginesInStep compares them). Frozen once released, like it.

-- 0008 (reserved 0012 on the issue-14 branch; renumber at merge): lists
-- created without YAML (`herald lists create`, the dashboard). A list an
-- import created for a config.yaml list keeps created_by ''.
ALTER TABLE lists ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE lists ADD COLUMN account TEXT NOT NULL DEFAULT '';
