-- 0009: who did what to an enquiry from the
-- dashboard or the CLI (closed, reopened, answered, category), as
-- contact_events records it for contacts.
CREATE TABLE enquiry_events (
    id         INTEGER PRIMARY KEY,
    enquiry_id INTEGER NOT NULL REFERENCES enquiries (id),
    kind       TEXT NOT NULL,              -- closed, reopened, answered, category
    value      TEXT NOT NULL DEFAULT '',   -- the new category
    actor      TEXT NOT NULL,              -- "web:alice", "api:token", "cli:root"
    at         TEXT NOT NULL
);
CREATE INDEX enquiry_events_enquiry ON enquiry_events (enquiry_id, at);

-- The dashboard's queue pages oldest first over every status; the
-- queue index leads with status, which a search across statuses cannot use.
CREATE INDEX enquiries_received ON enquiries (received_at, id);
