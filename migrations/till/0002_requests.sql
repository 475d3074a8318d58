-- Idempotency: a write that carries a client-made request id records it here in the same
-- transaction, with its input and result. The same id again returns the stored result
-- (a double click or a retry after a lost answer writes nothing twice); the same id with
-- a different input is refused. Rows older than a week are pruned at start.
CREATE TABLE requests (
    request_id TEXT PRIMARY KEY,
    use_case   TEXT    NOT NULL,
    input      TEXT    NOT NULL,
    result     TEXT    NOT NULL,
    at_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX requests_by_time ON requests (at_ms);
