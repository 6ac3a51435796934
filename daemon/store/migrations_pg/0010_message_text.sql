-- PostgreSQL twin of migrations/0010_message_text.sql: the same tables, columns and indexes
-- (TestEnginesInStep compares them). Frozen once released, like it.

-- 0010: the readable text of a message and the list of its attachments,
-- so the dashboard shows an enquiry's thread without opening the mailbox.
ALTER TABLE messages ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
