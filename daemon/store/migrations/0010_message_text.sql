-- 0010: the readable text of a message and the list of its attachments,
-- so the dashboard shows an enquiry's thread without opening the mailbox.
-- body_text is what triage already extracted (text/plain, else HTML
-- rendered as text), cut at 64 KiB on a character boundary; attachments
-- is a JSON array of {"name","type","size"}: names only, the parts
-- themselves stay in the mailbox and are never served.
ALTER TABLE messages ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
