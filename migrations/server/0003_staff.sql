-- Staff of an organisation as its tills push them (staff.upsert): the member with the
-- PIN's argon2id hash (never the PIN). Last writer wins by updated_at_ms. The server uses
-- it to refuse a profile.update made by someone who is not an active manager.
CREATE TABLE staff (
    org_id        UUID   NOT NULL REFERENCES organisations(id),
    id            UUID   NOT NULL,
    role          TEXT   NOT NULL,
    active        BOOLEAN NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    data          JSONB  NOT NULL,
    PRIMARY KEY (org_id, id)
);
