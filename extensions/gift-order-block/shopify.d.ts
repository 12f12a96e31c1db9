import "@shopify/ui-extensions";

// The `shopify` global of this extension's target (as Shopify's CLI generates it).
declare module "./src/BlockExtension.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.order-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
