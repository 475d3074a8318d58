-- The back-office REST API: manager and admin tokens, and what its order queries filter on.

-- Like device tokens: 256 random bits printed once by `pos-server admin create-token`;
-- only the sha256 is stored. The organisation comes from the token, never the request.
CREATE TABLE api_tokens (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organisations(id),
    role        TEXT NOT NULL CHECK (role IN ('manager', 'admin')),
    name        TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_tokens_org ON api_tokens(org_id);

-- Orders taken through the API (delivery platforms) name their location; orders pushed by
-- tills carry none yet (devices are not bound to a location).
ALTER TABLE orders ADD COLUMN location_id UUID REFERENCES locations(id);
CREATE INDEX orders_org_status ON orders(org_id, status);
CREATE INDEX orders_org_day ON orders(org_id, (data->>'business_day'));
