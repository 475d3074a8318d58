-- The sync rules (pos_protocol::rules): two tills can take payment for one order while
-- offline. Both payments are kept; the bill the server recorded first is the order's
-- (bills), the other is kept here, superseded: its invoice number was printed and is never
-- reused, but it is not a sale.
CREATE TABLE superseded_bills (
    order_id      TEXT    NOT NULL REFERENCES orders (id),
    invoice_no    TEXT    NOT NULL,
    business_day  TEXT    NOT NULL,
    total         INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    paid_at_ms    INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (order_id, invoice_no)
) WITHOUT ROWID;

-- Every bill is stored under the number it was printed with, even when two tills printed
-- one number (bills from before invoice series, or two tills given one series by hand):
-- that is what the guests hold. So invoice_no is indexed, no longer unique (it was, and a
-- pulled bill then got the order id appended: a number no receipt shows). A till's own
-- numbers stay unique by its counter and series. paid_at_ms: when the payment that settled
-- it was taken (older bills: when they were stored).
CREATE TABLE bills_v6 (
    order_id       TEXT PRIMARY KEY REFERENCES orders (id),
    invoice_no     TEXT    NOT NULL,
    business_day   TEXT    NOT NULL,
    subtotal       INTEGER NOT NULL,
    discount_total INTEGER NOT NULL,
    service_charge INTEGER NOT NULL,
    cgst           INTEGER NOT NULL,
    sgst           INTEGER NOT NULL,
    igst           INTEGER NOT NULL,
    other_tax      INTEGER NOT NULL,
    tax_total      INTEGER NOT NULL,
    tax_included   INTEGER NOT NULL,
    round_off      INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    body           TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    paid_at_ms     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO bills_v6 SELECT order_id, invoice_no, business_day, subtotal, discount_total, service_charge,
    cgst, sgst, igst, other_tax, tax_total, tax_included, round_off, total, body, created_at_ms, created_at_ms
    FROM bills;
DROP TABLE bills;
ALTER TABLE bills_v6 RENAME TO bills;
CREATE INDEX bills_by_day ON bills (business_day);
CREATE INDEX bills_by_invoice ON bills (invoice_no);

-- Derived by the rules on every write of the order, kept as columns so the orders that
-- need a person (money to give back) are one indexed read:
-- excess: paid beyond the bill (or everything paid on a void order), minor units;
-- bill_mismatch: the stored bill differs from what the lines and discount now compute.
ALTER TABLE orders ADD COLUMN excess INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN bill_mismatch INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orders_needing_attention ON orders (updated_at_ms DESC) WHERE excess > 0;

-- Lines keep the order every replica agrees on: by when they were added, then id.
CREATE INDEX order_lines_by_order_added ON order_lines (order_id, added_at_ms, id);

-- The order a queued mutation is about, so a till that adopts the server's copy of an
-- order can lay its own unanswered changes to that order back on top.
ALTER TABLE outbox ADD COLUMN order_id TEXT;
UPDATE outbox SET order_id = COALESCE(json_extract(payload, '$.order_id'), json_extract(payload, '$.order.id'))
    WHERE intent LIKE 'order.%' OR intent = 'payment.record';
CREATE INDEX outbox_pending_by_order ON outbox (order_id, seq) WHERE acked_at_ms IS NULL AND order_id IS NOT NULL;
