-- Row-level security on every tenant-owned table.
--
-- The api, the worker and the commands connect as giftloop_app (core/src/platform/db/connect.ts),
-- a role that owns no table, so the policies below apply to everything they run. Two settings
-- say whom a transaction acts for:
--   giftloop.tenant     'all' (cross-tenant: jobs, webhooks, operators; a session's default),
--                       'vendor' or 'buyer' (one tenant: set per transaction), or unset (nothing);
--   giftloop.tenant_id  the brand's or the buyer organisation's id.
-- A statement run for one brand that forgets to filter by brand still sees only that brand's
-- rows; a session that says nothing sees no tenant's rows at all. Migrations run as the owner
-- of the tables, which the policies do not restrict.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giftloop_app') THEN
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
      RAISE EXCEPTION 'the role giftloop_app does not exist and % may not create it', current_user
        USING HINT = format('As a database administrator: CREATE ROLE giftloop_app NOLOGIN; GRANT giftloop_app TO %I;', current_user);
    END IF;
    BEGIN
      CREATE ROLE giftloop_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of this cluster created it at the same moment
    END;
  END IF;
  -- The connecting user acts as giftloop_app (SET ROLE); a superuser may already.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'giftloop_app', 'MEMBER') THEN
    EXECUTE format('GRANT giftloop_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO giftloop_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO giftloop_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO giftloop_app;
-- Tables and sequences that later migrations create are granted the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO giftloop_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO giftloop_app;

-- Whether the current transaction may see a row of tenant `id` of kind `kind` ('vendor' or 'buyer').
-- A plain SQL expression, so the planner inlines it into each policy.
CREATE FUNCTION giftloop_sees(kind text, id uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT current_setting('giftloop.tenant', true) = 'all'
        OR (current_setting('giftloop.tenant', true) = kind AND id::text = current_setting('giftloop.tenant_id', true))
  $$;

-- A brand's tables.
ALTER TABLE vendor ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON vendor USING (giftloop_sees('vendor', id)) WITH CHECK (giftloop_sees('vendor', id));
ALTER TABLE product ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON product USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE variant ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON variant USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE catalog_sync ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON catalog_sync USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE gift_offer ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON gift_offer USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE storefront ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON storefront USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE shipping_rule ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON shipping_rule USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE fulfillment_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON fulfillment_unit USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE vendor_payout_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON vendor_payout_settings USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE payout ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON payout USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));
ALTER TABLE payout_adjustment ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON payout_adjustment USING (giftloop_sees('vendor', vendor_id)) WITH CHECK (giftloop_sees('vendor', vendor_id));

-- A buyer organisation's tables.
ALTER TABLE buyer_org ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON buyer_org USING (giftloop_sees('buyer', id)) WITH CHECK (giftloop_sees('buyer', id));
ALTER TABLE buyer_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON buyer_member USING (giftloop_sees('buyer', buyer_org_id)) WITH CHECK (giftloop_sees('buyer', buyer_org_id));
ALTER TABLE buyer_api_key ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON buyer_api_key USING (giftloop_sees('buyer', buyer_org_id)) WITH CHECK (giftloop_sees('buyer', buyer_org_id));
ALTER TABLE gift_order ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON gift_order USING (giftloop_sees('buyer', buyer_org_id)) WITH CHECK (giftloop_sees('buyer', buyer_org_id));

-- A brand reads the orders that hold its gifts, and their buyers (the brand's order view),
-- and writes neither. (fulfillment_unit's own policy narrows the subquery to the brand.)
CREATE POLICY brand_reads ON gift_order FOR SELECT
  USING (current_setting('giftloop.tenant', true) = 'vendor' AND EXISTS (SELECT 1 FROM fulfillment_unit f WHERE f.order_id = gift_order.id));
CREATE POLICY brand_reads ON buyer_org FOR SELECT
  USING (current_setting('giftloop.tenant', true) = 'vendor' AND EXISTS (SELECT 1 FROM gift_order o WHERE o.buyer_org_id = buyer_org.id));
