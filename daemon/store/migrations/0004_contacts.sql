-- 0004: contact lists (docs/BEHAVIOUR.md §9). A contact is one address, shared by
-- every list it is on; its subscription status is per list, because an
-- unsubscribe applies to the lists of one account (docs/BEHAVIOUR.md §6.2).
-- Bounces and RSVP belong to the address and the event, so they sit on
-- the contact.

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL,              -- as last imported
    email_key    TEXT NOT NULL UNIQUE,       -- identity: lowercased, IDN domain in A-label form
    name         TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    city         TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT '',
    fields       TEXT NOT NULL DEFAULT '{}', -- JSON object of the CSV's other columns
    rsvp         TEXT NOT NULL DEFAULT 'none' CHECK (rsvp IN ('none', 'accepted', 'declined', 'maybe')),
    rsvp_at      TEXT,
    bounced      INTEGER NOT NULL DEFAULT 0, -- 1 once hard-bounced (docs/BEHAVIOUR.md §6.4)
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE lists (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE list_members (
    list_id    INTEGER NOT NULL REFERENCES lists (id),
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    status     TEXT NOT NULL DEFAULT 'subscribed' CHECK (status IN ('subscribed', 'unsubscribed')),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);
-- Audiences stream a list's members in contact order.
CREATE INDEX list_members_contact ON list_members (contact_id);

-- contact_events is the history of a contact: status changes (who, when,
-- why), RSVP answers (the latest wins, all are kept), bounces.
CREATE TABLE contact_events (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    list_id    INTEGER REFERENCES lists (id),
    kind       TEXT NOT NULL,   -- unsubscribed, resubscribed, rsvp, bounce, ...
    value      TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,   -- "cli:root", "reply <message-id>", "import", ...
    detail     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX contact_events_contact ON contact_events (contact_id, at);
