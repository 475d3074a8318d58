-- The till's database. Forward-only: a change is a new numbered file, never an edit.
-- Money columns are INTEGER minor units. Ids are UUIDv7 text. Times are Unix milliseconds.

-- This till: its id and the next outbox sequence number (never reused, even after the
-- outbox is emptied by sync).
CREATE TABLE device (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    device_id     TEXT    NOT NULL,
    next_seq      INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL
);

-- Named counters: order numbers per business day, invoice numbers.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE profile (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    body          TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

CREATE TABLE menu_items (
    sku           TEXT PRIMARY KEY,
    name          TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    price         INTEGER NOT NULL CHECK (price >= 0),
    tax_class     TEXT    NOT NULL,
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX menu_items_by_category ON menu_items (category, name);

CREATE TABLE customers (
    phone         TEXT PRIMARY KEY,
    name          TEXT    NOT NULL,
    credit_limit  INTEGER NOT NULL CHECK (credit_limit >= 0),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL,
    order_type     TEXT    NOT NULL,
    table_label    TEXT,
    customer_phone TEXT,
    notes          TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    discount       TEXT,
    business_day   TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    device_id      TEXT    NOT NULL
);
-- Active orders (the floor), newest first: a partial index stays small however long the
-- history grows.
CREATE INDEX orders_active ON orders (created_at_ms DESC) WHERE status NOT IN ('paid', 'void');
CREATE INDEX orders_by_status ON orders (status, created_at_ms DESC);
CREATE INDEX orders_by_day ON orders (business_day, created_at_ms);
CREATE INDEX orders_by_phone ON orders (customer_phone) WHERE customer_phone IS NOT NULL;
CREATE INDEX orders_by_created ON orders (created_at_ms DESC);

CREATE TABLE order_lines (
    id           TEXT PRIMARY KEY,
    order_id     TEXT    NOT NULL REFERENCES orders (id),
    position     INTEGER NOT NULL,
    sku          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    qty_milli    INTEGER NOT NULL CHECK (qty_milli > 0),
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    tax_class    TEXT    NOT NULL,
    tax_rate_bps INTEGER NOT NULL,
    tax_split    TEXT    NOT NULL,
    discount     TEXT,
    note         TEXT    NOT NULL,
    sent         INTEGER NOT NULL,
    added_at_ms  INTEGER NOT NULL,
    void_reason  TEXT,
    voided_at_ms INTEGER
);
CREATE INDEX order_lines_by_order ON order_lines (order_id, position);

CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    order_id       TEXT    NOT NULL REFERENCES orders (id),
    method         TEXT    NOT NULL,
    amount         INTEGER NOT NULL CHECK (amount > 0),
    tendered       INTEGER NOT NULL,
    change         INTEGER NOT NULL,
    reference      TEXT,
    customer_phone TEXT,
    business_day   TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL
);
CREATE INDEX payments_by_order ON payments (order_id);
CREATE INDEX payments_by_day ON payments (business_day, method);

-- The stored snapshot of a paid bill, with its figures in columns for the day summary.
CREATE TABLE bills (
    order_id       TEXT PRIMARY KEY REFERENCES orders (id),
    invoice_no     TEXT    NOT NULL UNIQUE,
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
    created_at_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX bills_by_day ON bills (business_day);

-- Customer ledger: insert-only; the balance is the sum.
CREATE TABLE ledger (
    id           TEXT PRIMARY KEY,
    phone        TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('charge', 'settlement')),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    order_id     TEXT,
    method       TEXT,
    note         TEXT    NOT NULL,
    business_day TEXT    NOT NULL,
    at_ms        INTEGER NOT NULL
);
-- Covers both the balance sum and the recent-entries list of one customer.
CREATE INDEX ledger_by_phone ON ledger (phone, at_ms DESC, kind, amount);
CREATE INDEX ledger_by_day ON ledger (business_day, kind);

-- Every write appends here in the same transaction. Sync pushes in seq order.
CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY,
    mutation_id   TEXT    NOT NULL UNIQUE,
    intent        TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    acked_at_ms   INTEGER
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at_ms IS NULL;
