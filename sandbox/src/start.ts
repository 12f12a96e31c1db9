/**
 * `npm start`: the product in sandbox mode. Without real credentials it starts the local
 * stand-ins (Stripe API with signed webhooks, an SMTP mailbox), points the product at them
 * through the SDKs' own settings, starts every role in this process on the embedded
 * defaults, and seeds a demo brand, storefront and buyer on first start. Setting
 * STRIPE_SECRET_KEY or SMTP_URL uses the real service instead.
 */
import { startSmtpSink } from "./smtp/smtp-sink.ts";
import { startStripeStandIn } from "./stripe/server.ts";
import { startShopifyStandIn } from "./shopify/server.ts";
import { startAdminFrame } from "./admin-frame/server.ts";
import { ensureAppBuild } from "../../shopify-app/server/build.ts";
import { ensureStorefrontBuild } from "../../storefront/build.ts";

const env = process.env;
const port = Number(env.PORT || 3000);
const lines: string[] = [];
let shopifyStandIn: Awaited<ReturnType<typeof startShopifyStandIn>> | undefined;

if (!env.STRIPE_SECRET_KEY) {
  const stripe = await startStripeStandIn({ port: 0, webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe` });
  env.STRIPE_SECRET_KEY = "sk_test_sandbox";
  env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
  env.STRIPE_API_URL = stripe.url;
  lines.push(`  Stripe stand-in ${stripe.url}  (test cards: pm_card_visa succeeds, pm_card_chargeDeclined declines)`);
}
if (!env.SMTP_URL) {
  const smtp = await startSmtpSink({ port: 0 });
  env.SMTP_URL = smtp.url;
  lines.push(`  SMTP mailbox    ${smtp.url}  (gift emails are caught here, never sent out)`);
}

if (!env.SHOPIFY_API_SECRET && !env.SHOPIFY_SANDBOX_URL) {
  // Shopify stand-in (Admin API, token exchange, signed webhooks to the app) and the admin
  // frame that embeds the app as Shopify admin does, with the App Bridge stand-in.
  const shopify = await startShopifyStandIn({ port: 0, apiKey: env.SHOPIFY_API_KEY || undefined, webhookUrl: `http://127.0.0.1:${port}/webhooks/shopify` });
  shopifyStandIn = shopify;
  env.SHOPIFY_SANDBOX_URL = shopify.url;
  env.SHOPIFY_API_KEY = shopify.apiKey;
  env.SHOPIFY_API_SECRET = shopify.apiSecret;
  const admin = await startAdminFrame({
    appUrl: env.SHOPIFY_APP_URL || env.PUBLIC_URL || `http://localhost:${port}`,
    apiKey: shopify.apiKey,
    apiSecret: shopify.apiSecret,
    shop: shopify.demoShop,
    shopName: "Giftloop Demo",
    port: Number(env.ADMIN_FRAME_PORT || port + 1),
  });
  env.SHOPIFY_APP_BRIDGE_URL = admin.appBridgeUrl;
  lines.push(`  Shopify stand-in ${shopify.url}  (demo shop ${shopify.demoShop})`);
  lines.push(`  Shopify admin   ${admin.adminUrl}  <- open this: the embedded app inside a local Shopify admin`);
}
if (await ensureStorefrontBuild((m) => process.stderr.write(`  ${m}\n`))) lines.push("  (the recipient storefront was built: storefront/dist)");
if (await ensureAppBuild({ log: (m) => process.stderr.write(`  ${m}\n`) })) lines.push("  (the embedded app was built: shopify-app/build)");

const { deps } = await import("../../core/src/main.ts");
if (deps.config.ROLE === "all" && !deps.config.DATABASE_URL) {
  const { seedDemo, DEMO_BRAND_SHOP } = await import("./demo-seed.ts");
  const demo = await seedDemo(deps);
  lines.push(`  Demo storefront ${deps.config.publicUrl}/v1/storefronts/${demo.storefrontSlug}`);
  lines.push(`  Recipients      ${deps.config.giftLinkBaseUrl}/redeem  (gift links in the emails open ${deps.config.giftLinkBaseUrl}/g/<code>)`);
  if (shopifyStandIn) {
    // The demo brand's shop in the stand-in: redeemed demo gifts become orders there (order push).
    const { connectDemoShop } = await import("./shopify/demo-connect.ts");
    await connectDemoShop(deps, shopifyStandIn, DEMO_BRAND_SHOP, { webhookUrl: `http://127.0.0.1:${port}/webhooks/shopify` });
    lines.push(`  Brand's orders  ${shopifyStandIn.url}/_sandbox/shops/${DEMO_BRAND_SHOP}/orders.html  (redeemed gifts arrive as Shopify orders; Fulfil there)`);
  }
  if (demo.buyerApiKey) lines.push(`  Demo buyer key  ${demo.buyerApiKey}  (shown once; kept in ${deps.config.DATA_DIR}/demo-buyer.key)`);
}
process.stderr.write(`  Sandbox mode:\n${lines.join("\n")}\n\n`);
