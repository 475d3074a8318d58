-- Tenancy, devices, the exactly-once push ledger, the change log and the org-scoped
-- domain tables. Every domain row carries org_id and every query filters on it; the
-- organisation always comes from the device token, never the request body.

CREATE TABLE organisations (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE locations (
    id      UUID PRIMARY KEY,
    org_id  UUID NOT NULL REFERENCES organisations(id),
    name    TEXT NOT NULL
);
CREATE INDEX locations_org ON locations(org_id);

-- A device token is 256 random bits shown once; only its sha256 is stored.
CREATE TABLE devices (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organisations(id),
    name        TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX devices_org ON devices(org_id);

-- One-time: used_at is set in the same transaction that creates the device.
CREATE TABLE enrollment_codes (
    code_hash   BYTEA PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organisations(id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    used_at     TIMESTAMPTZ,
    device_id   UUID REFERENCES devices(id)
);

CREATE TABLE device_seq (
    device_id  UUID PRIMARY KEY REFERENCES devices(id),
    org_id     UUID NOT NULL REFERENCES organisations(id),
    last_seq   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE processed_mutations (
    mutation_id   UUID PRIMARY KEY,
    org_id        UUID NOT NULL REFERENCES organisations(id),
    device_id     UUID NOT NULL REFERENCES devices(id),
    seq           BIGINT NOT NULL,
    intent        TEXT NOT NULL,
    payload_hash  BYTEA NOT NULL,
    result        JSONB NOT NULL,
    applied_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (device_id, seq)
);
CREATE INDEX processed_mutations_org ON processed_mutations(org_id);

-- Versions come from one sequence, so they grow monotonically within every organisation.
-- A writer takes the per-org advisory lock before appending, so versions commit in order
-- and a reader never skips a version that commits later.
CREATE TABLE change_log (
    version      BIGSERIAL PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organisations(id),
    mutation_id  UUID NOT NULL,
    kind         TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    payload      JSONB NOT NULL
);
CREATE INDEX change_log_org_version ON change_log(org_id, version);

CREATE TABLE orders (
    org_id      UUID NOT NULL REFERENCES organisations(id),
    id          UUID NOT NULL,
    status      TEXT NOT NULL,
    data        JSONB NOT NULL,
    bill_mismatch BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE order_lines (
    org_id    UUID NOT NULL REFERENCES organisations(id),
    id        UUID NOT NULL,
    order_id  UUID NOT NULL,
    voided    BOOLEAN NOT NULL DEFAULT false,
    data      JSONB NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX order_lines_order ON order_lines(org_id, order_id);

CREATE TABLE payments (
    org_id        UUID NOT NULL REFERENCES organisations(id),
    id            UUID NOT NULL,
    order_id      UUID NOT NULL,
    amount_minor  BIGINT NOT NULL,
    data          JSONB NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX payments_order ON payments(org_id, order_id);

CREATE TABLE bills (
    org_id       UUID NOT NULL REFERENCES organisations(id),
    order_id     UUID NOT NULL,
    invoice_no   TEXT,
    total_minor  BIGINT NOT NULL,
    data         JSONB NOT NULL,
    server_data  JSONB,
    mismatch     BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (org_id, order_id)
);

CREATE TABLE customers (
    org_id  UUID NOT NULL REFERENCES organisations(id),
    phone   TEXT NOT NULL,
    data    JSONB NOT NULL,
    PRIMARY KEY (org_id, phone)
);

CREATE TABLE ledger (
    org_id  UUID NOT NULL REFERENCES organisations(id),
    id      UUID NOT NULL,
    phone   TEXT NOT NULL,
    data    JSONB NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX ledger_phone ON ledger(org_id, phone);

CREATE TABLE profile (
    org_id  UUID PRIMARY KEY REFERENCES organisations(id),
    data    JSONB NOT NULL
);

CREATE TABLE menu_items (
    org_id  UUID NOT NULL REFERENCES organisations(id),
    sku     TEXT NOT NULL,
    data    JSONB NOT NULL,
    PRIMARY KEY (org_id, sku)
);
