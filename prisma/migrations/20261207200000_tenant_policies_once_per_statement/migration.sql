-- The tenant policies read the bound tenant once per statement, not once per row.
--
-- `col = giftloop_tenant_id(kind)` inlines to an expression of two current_setting() calls
-- and a uuid cast, which PostgreSQL may evaluate for every row it filters. As a scalar
-- subquery, `(SELECT giftloop_tenant_id(kind))`, it becomes an InitPlan: evaluated once, then
-- compared as a parameter (an index can still use it; where the statement also names the
-- tenant, the plan checks the two against each other once, as a one-time filter). Each
-- policy admits the rows that 20261207160000_row_level_security defined it to.

ALTER POLICY tenant_rows ON vendor USING (id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON product USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON variant USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON catalog_sync USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON gift_offer USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON storefront USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON shipping_rule USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON fulfillment_unit USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON vendor_payout_settings USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON payout USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON payout_adjustment USING (vendor_id = (SELECT giftloop_tenant_id('vendor'))) WITH CHECK (vendor_id = (SELECT giftloop_tenant_id('vendor')));
ALTER POLICY tenant_rows ON buyer_org USING (id = (SELECT giftloop_tenant_id('buyer'))) WITH CHECK (id = (SELECT giftloop_tenant_id('buyer')));
ALTER POLICY tenant_rows ON buyer_member USING (buyer_org_id = (SELECT giftloop_tenant_id('buyer'))) WITH CHECK (buyer_org_id = (SELECT giftloop_tenant_id('buyer')));
ALTER POLICY tenant_rows ON buyer_api_key USING (buyer_org_id = (SELECT giftloop_tenant_id('buyer'))) WITH CHECK (buyer_org_id = (SELECT giftloop_tenant_id('buyer')));
ALTER POLICY tenant_rows ON gift_order USING (buyer_org_id = (SELECT giftloop_tenant_id('buyer'))) WITH CHECK (buyer_org_id = (SELECT giftloop_tenant_id('buyer')));
ALTER POLICY brand_reads ON gift_order
  USING (EXISTS (SELECT 1 FROM fulfillment_unit f WHERE f.order_id = gift_order.id AND f.vendor_id = (SELECT giftloop_tenant_id('vendor'))));
