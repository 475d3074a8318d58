-- Each till numbers its invoices in its own series: "<profile prefix><series>-<number>".
-- Invoice counters are per till (a till must invoice while offline), so without a series
-- two tills of one restaurant would print the same invoice number. NULL until Store::open
-- fills it from the device id.
ALTER TABLE device ADD COLUMN invoice_series TEXT;
