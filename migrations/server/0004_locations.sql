-- Tills belong to a location: an enrollment code names one, the device keeps it, and the
-- server stamps it on every order the device creates (never taken from the body).
-- Existing rows get the organisation's default location: its first one, the "Main" that
-- `admin create-org` makes (an organisation without any location gets one here).

INSERT INTO locations (id, org_id, name)
SELECT gen_random_uuid(), o.id, 'Main' FROM organisations o
WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.org_id = o.id);

-- A device or code may only name a location of its own organisation.
ALTER TABLE locations ADD CONSTRAINT locations_org_id_key UNIQUE (org_id, id);

ALTER TABLE enrollment_codes ADD COLUMN location_id UUID;
UPDATE enrollment_codes c SET location_id =
    (SELECT l.id FROM locations l WHERE l.org_id = c.org_id ORDER BY l.id LIMIT 1);
ALTER TABLE enrollment_codes ALTER COLUMN location_id SET NOT NULL,
    ADD CONSTRAINT enrollment_codes_location FOREIGN KEY (org_id, location_id)
        REFERENCES locations (org_id, id);

ALTER TABLE devices ADD COLUMN location_id UUID;
UPDATE devices d SET location_id =
    (SELECT l.id FROM locations l WHERE l.org_id = d.org_id ORDER BY l.id LIMIT 1);
ALTER TABLE devices ALTER COLUMN location_id SET NOT NULL,
    ADD CONSTRAINT devices_location FOREIGN KEY (org_id, location_id)
        REFERENCES locations (org_id, id);

-- Orders pushed before this migration: the location of the device that created them.
UPDATE orders o SET location_id = d.location_id
FROM change_log c
JOIN processed_mutations pm ON pm.mutation_id = c.mutation_id
JOIN devices d ON d.id = pm.device_id
WHERE o.location_id IS NULL AND c.kind = 'order.create'
  AND c.org_id = o.org_id AND c.entity_id = o.id::text;

-- The day summary counts a payment on the business day it was taken and a bill on the
-- day of the payment that settled it (the tills' rule), so payments and settlements are
-- found by time.
CREATE INDEX payments_org_at ON payments (org_id, ((data->>'at_ms')::bigint));
CREATE INDEX ledger_org_at ON ledger (org_id, ((data->>'at_ms')::bigint));
