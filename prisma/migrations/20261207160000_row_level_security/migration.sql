-- Row-level security on every tenant-owned table.
--
-- The api, the worker and the commands connect as the owner of the tables and act as one of
-- two roles that own nothing (core/src/platform/db/connect.ts, tenant-scope.ts):
--   giftloop_app     the process's own work, across tenants by its nature (jobs, webhooks,
--                    operators, the recipient's and the buyer's requests): every row;
--   giftloop_tenant  a transaction bound to one tenant (SET LOCAL ROLE, with the settings
--                    giftloop.tenant = 'vendor' or 'buyer' and giftloop.tenant_id = its id):
--                    only that tenant's rows, whatever its SQL forgets to filter; without
--                    the settings, nothing.
-- Migrations run as the owner, which the policies do not restrict. Each policy names its
-- role, so the cross-tenant role's policy is `true` (no cost, no change to any plan) and the
-- tenant's is an equality on its tenant column (the planner estimates and indexes it as a
-- lookup of that tenant).

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['giftloop_app', 'giftloop_tenant'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'the role % does not exist and % may not create it', r, current_user
          USING HINT = format('As a database administrator: CREATE ROLE giftloop_app NOLOGIN; CREATE ROLE giftloop_tenant NOLOGIN; GRANT giftloop_app, giftloop_tenant TO %I;', current_user);
      END IF;
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database of this cluster created it at the same moment
      END;
    END IF;
    -- The connecting user switches to the role (SET ROLE); a superuser may already.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, r, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', r, current_user);
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO giftloop_app, giftloop_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO giftloop_app, giftloop_tenant;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO giftloop_app, giftloop_tenant;
-- Tables and sequences that later migrations create are granted the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO giftloop_app, giftloop_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO giftloop_app, giftloop_tenant;

-- The tenant of kind `kind` ('vendor' or 'buyer') the current transaction is bound to, or NULL
-- (which no row equals). A plain SQL expression, so the planner inlines it into each policy.
CREATE FUNCTION giftloop_tenant_id(kind text) RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN current_setting('giftloop.tenant', true) = kind THEN NULLIF(current_setting('giftloop.tenant_id', true), '')::uuid END
  $$;

-- A brand's tables.
ALTER TABLE vendor ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON vendor TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON vendor TO giftloop_tenant USING (id = giftloop_tenant_id('vendor')) WITH CHECK (id = giftloop_tenant_id('vendor'));
ALTER TABLE product ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON product TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON product TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE variant ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON variant TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON variant TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE catalog_sync ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON catalog_sync TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON catalog_sync TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE gift_offer ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON gift_offer TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON gift_offer TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE storefront ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON storefront TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON storefront TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE shipping_rule ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON shipping_rule TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON shipping_rule TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE fulfillment_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON fulfillment_unit TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON fulfillment_unit TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE vendor_payout_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON vendor_payout_settings TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON vendor_payout_settings TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE payout ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON payout TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON payout TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));
ALTER TABLE payout_adjustment ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON payout_adjustment TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON payout_adjustment TO giftloop_tenant USING (vendor_id = giftloop_tenant_id('vendor')) WITH CHECK (vendor_id = giftloop_tenant_id('vendor'));

-- A buyer organisation's tables.
ALTER TABLE buyer_org ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON buyer_org TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON buyer_org TO giftloop_tenant USING (id = giftloop_tenant_id('buyer')) WITH CHECK (id = giftloop_tenant_id('buyer'));
ALTER TABLE buyer_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON buyer_member TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON buyer_member TO giftloop_tenant USING (buyer_org_id = giftloop_tenant_id('buyer')) WITH CHECK (buyer_org_id = giftloop_tenant_id('buyer'));
ALTER TABLE buyer_api_key ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON buyer_api_key TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON buyer_api_key TO giftloop_tenant USING (buyer_org_id = giftloop_tenant_id('buyer')) WITH CHECK (buyer_org_id = giftloop_tenant_id('buyer'));
ALTER TABLE gift_order ENABLE ROW LEVEL SECURITY;
CREATE POLICY cross_tenant ON gift_order TO giftloop_app USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON gift_order TO giftloop_tenant USING (buyer_org_id = giftloop_tenant_id('buyer')) WITH CHECK (buyer_org_id = giftloop_tenant_id('buyer'));

-- A brand reads the orders that hold its gifts, and their buyers (the brand's order view),
-- and writes neither.
CREATE POLICY brand_reads ON gift_order FOR SELECT TO giftloop_tenant
  USING (EXISTS (SELECT 1 FROM fulfillment_unit f WHERE f.order_id = gift_order.id AND f.vendor_id = giftloop_tenant_id('vendor')));
CREATE POLICY brand_reads ON buyer_org FOR SELECT TO giftloop_tenant
  USING (EXISTS (SELECT 1 FROM gift_order o WHERE o.buyer_org_id = buyer_org.id));
