-- The sync rules (pos_protocol::rules), decided once here and replayed by every till.
--
-- A change carries the server's verdict where the order of arrival mattered (this
-- payment's bill was superseded by an earlier one, it reached a voided order): every till
-- replays it the same way.
ALTER TABLE change_log ADD COLUMN verdict JSONB;

-- An order's data is its whole record (pos_core::OrderRecord): the order, the bill it was
-- paid with, the bills that lost a race, the mismatch flag. Orders paid before this
-- migration get their bill folded in from the bills table.
UPDATE orders o SET data = o.data || jsonb_build_object(
        'bill', jsonb_build_object(
            'invoice_no', COALESCE(b.invoice_no, ''),
            'bill', b.data,
            'paid_at_ms', COALESCE(
                (SELECT MAX((p.data->>'at_ms')::bigint) FROM payments p
                 WHERE p.org_id = o.org_id AND p.order_id = o.id),
                (o.data->>'updated_at_ms')::bigint))
    ) || CASE WHEN o.bill_mismatch THEN '{"bill_mismatch": true}'::jsonb ELSE '{}'::jsonb END
FROM bills b
WHERE b.org_id = o.org_id AND b.order_id = o.id;

-- Bills that lost a race: two tills took payment for one order offline. Both payments are
-- kept (payments); the first bill is the order's (bills); the later one is kept here. Its
-- invoice number was printed and is never reused; it is not a sale.
CREATE TABLE superseded_bills (
    org_id       UUID   NOT NULL REFERENCES organisations(id),
    order_id     UUID   NOT NULL,
    invoice_no   TEXT   NOT NULL,
    total_minor  BIGINT NOT NULL,
    data         JSONB  NOT NULL,
    paid_at_ms   BIGINT NOT NULL,
    superseded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, order_id, invoice_no)
);

-- log_version: the change-log version of the last change to the order, sent with its
-- record when a till must adopt it (the till pulls again from there). excess_minor: what
-- was paid beyond the bill (everything paid, on a void order): money to give back, so the
-- orders that need a person are one indexed read.
ALTER TABLE orders ADD COLUMN log_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN excess_minor BIGINT NOT NULL DEFAULT 0;
UPDATE orders o SET log_version = COALESCE(
    (SELECT MAX(c.version) FROM change_log c WHERE c.org_id = o.org_id AND c.entity_id = o.id::text), 0);
CREATE INDEX orders_needing_attention ON orders (org_id) WHERE excess_minor > 0;
