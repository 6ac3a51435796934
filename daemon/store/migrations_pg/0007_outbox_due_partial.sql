-- PostgreSQL twin of migrations/0007_outbox_due_partial.sql: the same tables, columns and indexes
-- (TestEnginesInStep compares them). Frozen once released, like it.

-- 0007: deliveries_due holds only the rows the senders look for, pending
-- and retry. Every message moves its row pending -> sending -> sent; with
-- every state in the index, each of those moves rewrote an entry in
-- another part of it, and the group commit before each SMTP transaction
-- wrote those pages to the WAL again. Now marking a row 'sending' deletes
-- its entry and recording 'sent' touches the index no more. Written as an
-- OR so that a query on state = 'pending' (or 'retry') can use it
-- (SQLite proves a partial index usable when the query's term implies
-- one side of an OR). Queries on other states scan the wave's rows
-- through the (wave, run, contact_id) key instead, once per run.
--
-- PostgreSQL: id ends the key here, as the rowid ends every SQLite
-- index: Due walks (next_at, id) in index order from its cursor, and
-- without id every row sharing a next_at (a planned chunk shares one)
-- would be read and sorted for each 64 returned.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (wave, state, next_at, id)
    WHERE state = 'pending' OR state = 'retry';
