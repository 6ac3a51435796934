-- 0006: waves (docs/BEHAVIOUR.md §8). config.yaml defines each wave's schedule; the
-- database keeps its state, its runs and the durable outbox of
-- deliveries, one row per (wave, run, contact), written before any SMTP
-- traffic.

CREATE TABLE waves (
    name         TEXT PRIMARY KEY,
    state        TEXT NOT NULL DEFAULT 'scheduled'
                 CHECK (state IN ('scheduled', 'running', 'paused', 'done', 'cancelled')),
    state_reason TEXT NOT NULL DEFAULT '',   -- why paused (auto-pause) or cancelled
    runs         INTEGER NOT NULL DEFAULT 0,
    -- The lease keeps the daemon and `herald waves send` from running the
    -- same wave at once: whoever holds an unexpired lease sends.
    lease_owner  TEXT NOT NULL DEFAULT '',
    lease_until  TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);

CREATE TABLE wave_runs (
    wave          TEXT NOT NULL REFERENCES waves (name),
    run           INTEGER NOT NULL,
    scheduled_for TEXT NOT NULL,   -- the due time this run answers (at, or the cron slot)
    started_at    TEXT NOT NULL,
    planned_at    TEXT,            -- NULL while the audience is still being written
    finished_at   TEXT,
    PRIMARY KEY (wave, run)
);

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    wave        TEXT NOT NULL,
    run         INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    email       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'failed', 'skipped')),
    reason      TEXT NOT NULL DEFAULT '',  -- skip reason, or the server's answer
    message_id  TEXT NOT NULL,             -- fixed before sending, without <>
    tries       INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    -- uncertain: the row was 'sending' when the sender stopped (a crash);
    -- it was sent again and the contact may have it twice.
    uncertain   INTEGER NOT NULL DEFAULT 0,
    sent_at     TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (wave, run, contact_id),
    FOREIGN KEY (wave, run) REFERENCES wave_runs (wave, run)
);
-- The senders pick due rows of a wave by state and time.
CREATE INDEX deliveries_due ON deliveries (wave, state, next_at);
-- Replies and bounces map a Message-ID back to (wave, contact).
CREATE INDEX deliveries_message_id ON deliveries (message_id);
-- Audiences ask "was this contact sent wave W (and when)?". state is left
-- out on purpose: every send changes it, and an index on it would be
-- rewritten with every claim and result; the few rows per (contact, wave)
-- are filtered from the table.
CREATE INDEX deliveries_contact ON deliveries (contact_id, wave);
