-- Staff who log in at the till with a PIN. The PIN is stored only as an argon2id PHC
-- string (salt per member, parameters inside the string). failed_attempts and
-- locked_until_ms are this till's lockout state: local, never synced.
CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash        TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL
);

-- Who voided a line and which manager approved it (NULL for voids made before logins).
ALTER TABLE order_lines ADD COLUMN voided_by TEXT;
ALTER TABLE order_lines ADD COLUMN void_approved_by TEXT;
