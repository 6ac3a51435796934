-- 0011: work leases of several herald nodes on one database (PostgreSQL;
-- a SQLite database has one node, which takes them all). A lease names a
-- piece of work only one node may do at a time ("inbox habitat/INBOX",
-- "acks habitat"): its holder renews it; an expired lease is free.
CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,   -- "pid@host" of the node holding it
    since TEXT NOT NULL,   -- when this holder took it
    until TEXT NOT NULL    -- when it expires unless renewed
);

-- Every holding of a lease, from taking to release or expiry: the proof
-- that no two nodes ever held one lease at once.
CREATE TABLE lease_log (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    owner TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT NOT NULL    -- last renewal's expiry, or the release
);
CREATE INDEX lease_log_name ON lease_log (name, since);
