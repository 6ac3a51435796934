-- 0012: several nodes send one wave together (PostgreSQL, HERALD_NODES=1;
-- a SQLite database has one node, which leaves these empty). claimed_by
-- is the node ("pid@host") that claimed an outbox row: it reserves
-- pending or retry rows in batches, marks them 'sending' one by one, and
-- keeps its name on what it sent. A dead node's unsent claims go back to
-- the queue; its 'sending' rows too, flagged uncertain.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
-- The claims still open (not on sent, failed or skipped rows): what a
-- node gives back, and what is recovered from a dead one.
CREATE INDEX deliveries_claims ON deliveries (wave, claimed_by)
    WHERE claimed_by != '' AND state IN ('pending', 'sending', 'retry');

-- smtp.rate shared by the nodes: one row per account per time slot,
-- counting the tokens taken in it (store.TakeRateToken).
CREATE TABLE rate_slots (
    account TEXT NOT NULL,
    slot    INTEGER NOT NULL,  -- the slot's number since the Unix epoch
    used    INTEGER NOT NULL,
    PRIMARY KEY (account, slot)
);
