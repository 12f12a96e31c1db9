-- Webhook bodies are stored as received; Shopify's products/* bodies run to several KB, which
-- PostgreSQL compresses on every insert. lz4 costs less CPU than pglz for it: a recorded
-- products/update example (2.7 KB) took 66 instead of 76 us of backend CPU on PostgreSQL 15.
-- Servers built without lz4 (and PGlite) keep pglz: the setting changes no data and no query.
DO $$
BEGIN
  ALTER TABLE "webhook_event" ALTER COLUMN "payload" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available here; webhook_event.payload keeps the default compression';
END $$;
