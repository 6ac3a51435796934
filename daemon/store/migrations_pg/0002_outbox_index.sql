-- PostgreSQL twin of migrations/0002_outbox_index.sql: the same tables, columns and indexes
-- (TestEnginesInStep compares them). Frozen once released, like it.

-- 0002: `sandbox outbox` lists newest last and the dashboard pages it by
-- time; message_id lets tests and the CLI find one captured message.
CREATE INDEX sandbox_outbox_received ON sandbox_outbox (received_at);
CREATE INDEX sandbox_outbox_message_id ON sandbox_outbox (message_id);
