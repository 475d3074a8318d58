-- Sync settings and rejections (independent of 0003).
--
-- sync_config: the one server this till syncs with, set by enrollment. The device token
-- is the till's credential for that server: it stays in this file (the till must send it),
-- is never logged and never returned to the UI. No row = offline-only till.
CREATE TABLE sync_config (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    server_url     TEXT    NOT NULL,
    device_token   TEXT    NOT NULL,
    server_device  TEXT    NOT NULL,
    device_name    TEXT    NOT NULL,
    enrolled_at_ms INTEGER NOT NULL
);

-- Mutations the server refused on business grounds (an edit to an order another till
-- already paid), written in the same transaction as the push's acknowledgement, shown to
-- the cashier until acknowledged.
CREATE TABLE sync_rejections (
    mutation_id        TEXT PRIMARY KEY,
    seq                INTEGER NOT NULL,
    intent             TEXT    NOT NULL,
    order_id           TEXT,
    reason             TEXT    NOT NULL,
    rejected_at_ms     INTEGER NOT NULL,
    acknowledged_at_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX sync_rejections_open ON sync_rejections (rejected_at_ms) WHERE acknowledged_at_ms IS NULL;
