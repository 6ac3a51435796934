-- 0005: messages each account handed to its SMTP server per calendar day,
-- so that smtp.daily_cap holds across restarts (docs/BEHAVIOUR.md §8). day is
-- YYYY-MM-DD in the config's time zone; a row is counted before the
-- message is sent and uncounted when the server refused it.
CREATE TABLE send_counts (
    account TEXT NOT NULL,
    day     TEXT NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0),
    PRIMARY KEY (account, day)
) WITHOUT ROWID;
