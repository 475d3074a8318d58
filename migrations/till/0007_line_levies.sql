-- The levies a line was sold with (a cess beside GST, a city tax beside a state tax), as
-- the JSON list of the tax class's levies when the line was added, so a later profile edit
-- never changes an order already taken. NULL for a line without levies, which is every
-- line written before they existed.
ALTER TABLE order_lines ADD COLUMN levies TEXT;
