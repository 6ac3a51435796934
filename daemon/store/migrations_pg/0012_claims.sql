-- PostgreSQL twin of migrations/0012_claims.sql: the same tables, columns and indexes
-- (TestEnginesInStep compares them). Frozen once released, like it.

-- 0012: several nodes send one wave together (HERALD_NODES=1).
-- claimed_by is the node ("pid@host") that claimed an outbox row.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_claims ON deliveries (wave, claimed_by)
    WHERE claimed_by != '' AND state IN ('pending', 'sending', 'retry');

-- smtp.rate shared by the nodes: tokens taken per account per time slot.
CREATE TABLE rate_slots (
    account TEXT NOT NULL,
    slot    BIGINT NOT NULL,
    used    BIGINT NOT NULL,
    PRIMARY KEY (account, slot)
);
