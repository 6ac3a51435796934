-- 0003: the inbox side (docs/BEHAVIOUR.md §3): per-mailbox high-water marks, every
-- message seen, the enquiry queue, pending IMAP/SMTP side effects and the
-- log of automatic replies that the rate limits read.

-- mailbox_state is the (UIDVALIDITY, UID) high-water mark of one watched
-- mailbox, advanced in the same transaction as the outcome of the messages
-- up to it.
CREATE TABLE mailbox_state (
    account     TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, mailbox)
);

-- counters hands out enquiry reference numbers (GCCM-0042), per prefix.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE enquiries (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,
    account         TEXT NOT NULL,
    mailbox         TEXT NOT NULL,
    from_addr       TEXT NOT NULL,
    from_name       TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    category        TEXT NOT NULL,
    language        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'acknowledged', 'answered', 'closed')),
    received_at     TEXT NOT NULL,
    acknowledged_at TEXT,
    answered_at     TEXT,
    closed_at       TEXT,
    ack_suppressed  TEXT            -- why no acknowledgement was sent, NULL if one was
);
CREATE INDEX enquiries_queue ON enquiries (status, account, category, received_at);

-- messages is every message herald saw (direction 'in', with its mailbox
-- and UID) or sent on its own (direction 'out': acknowledgements).
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    mailbox     TEXT,
    uidvalidity INTEGER,
    uid         INTEGER,
    message_id  TEXT NOT NULL,      -- without <>; '' when the message has none
    hash        TEXT NOT NULL,      -- SHA-256 of the raw message
    from_addr   TEXT NOT NULL,
    recipients  TEXT NOT NULL DEFAULT '',  -- To and Cc, lowercased, comma-separated
    subject     TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- bounce, auto-reply, ..., enquiry, follow-up, unreadable, duplicate, ack
    detail      TEXT NOT NULL DEFAULT '',
    folder      TEXT NOT NULL DEFAULT '',
    enquiry_id  INTEGER REFERENCES enquiries (id),
    date        TEXT NOT NULL,      -- the message's Date, else when seen
    seen_at     TEXT NOT NULL,
    UNIQUE (account, mailbox, uidvalidity, uid)
);
-- Deduplication across UIDVALIDITY changes and copies: by Message-ID, and
-- by content hash for messages without one.
CREATE INDEX messages_message_id ON messages (account, message_id);
CREATE INDEX messages_hash ON messages (account, hash);
CREATE INDEX messages_enquiry ON messages (enquiry_id);

-- actions are side effects decided with a message's outcome and carried
-- out after the commit: IMAP moves and flags by the watcher of that
-- mailbox, SMTP sends by the account's sender. A crash between commit and
-- side effect leaves the row pending, so it is done on restart.
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('flag', 'move', 'ack', 'forward', 'append')),
    arg         TEXT NOT NULL,      -- keyword, folder, or JSON for sends and sent-folder copies
    message     INTEGER NOT NULL REFERENCES messages (id),
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    tries       INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX actions_pending ON actions (state, account, mailbox, uidvalidity, next_at);

-- auto_replies logs every automatic message to a correspondent, written
-- when it is decided (before it is sent), so the RFC 3834 limits count it
-- at once: ack_once_per per sender per account, 10 an hour per address.
CREATE TABLE auto_replies (
    id         INTEGER PRIMARY KEY,
    account    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    kind       TEXT NOT NULL,       -- ack, rsvp, unsubscribed, ...
    message_id TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX auto_replies_recipient ON auto_replies (recipient, decided_at);
