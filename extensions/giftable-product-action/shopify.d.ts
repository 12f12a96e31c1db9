import "@shopify/ui-extensions";

// The `shopify` global of this extension's target (as Shopify's CLI generates it).
declare module "./src/ActionExtension.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.product-details.action.render").Api;
  const globalThis: { shopify: typeof shopify };
}
