-- 0001: the foundation. Frozen once released: never edit, add a new file.

-- runtime holds small facts a running daemon publishes for the CLI
-- (sandbox ports, pid). Rows are replaced, never accumulated.
CREATE TABLE runtime (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- sandbox_outbox captures every message the sandbox SMTP server received
-- for an address that is not one of our accounts (docs/BEHAVIOUR.md §12).
CREATE TABLE sandbox_outbox (
    id          INTEGER PRIMARY KEY,
    mail_from   TEXT NOT NULL,
    rcpt_to     TEXT NOT NULL,          -- JSON array of addresses
    subject     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    received_at TEXT NOT NULL,          -- RFC 3339, UTC
    raw         BLOB NOT NULL
);
