/**
 * `npm start`: the product in sandbox mode. Without real credentials it starts the local
 * stand-ins (Stripe API with signed webhooks, an SMTP mailbox), points the product at them
 * through the SDKs' own settings, starts every role in this process on the embedded
 * defaults, and seeds a demo brand, storefront and buyer on first start. Setting
 * STRIPE_SECRET_KEY or SMTP_URL uses the real service instead.
 */
import { startSmtpSink } from "./smtp/smtp-sink.ts";
import { startMailbox } from "./smtp/mailbox.ts";
import { startStripeStandIn } from "./stripe/server.ts";
import { startShopifyStandIn } from "./shopify/server.ts";
import { startAdminFrame } from "./admin-frame/server.ts";
import { ensureAppBuild } from "@giftloop/shopify-app/server/build";
import { ensureFinanceBuild, ensureStorefrontBuild } from "@giftloop/storefront/build";
import path from "node:path";
import { DEMO_BRAND_SHOP } from "./demo-seed.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { startXeroStandIn } from "./xero/server.ts";
import { DEMO_XERO_ORGS, DEMO_XERO_TENANT_ID } from "./xero/demo-connect.ts";

const env = process.env;
const port = Number(env.PORT || 3000);
const lines: string[] = [];
let shopifyStandIn: Awaited<ReturnType<typeof startShopifyStandIn>> | undefined;
let xeroStandIn: Awaited<ReturnType<typeof startXeroStandIn>> | undefined;

if (!env.STRIPE_SECRET_KEY) {
  // Two endpoints, each with its own secret, as at Stripe: the platform's events, and the
  // Connect endpoint for the brands' connected accounts (onboarding on the stand-in's pages).
  const stripe = await startStripeStandIn({
    port: 0,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
    connectWebhookUrl: `http://127.0.0.1:${port}/webhooks/stripe/connect`,
  });
  env.STRIPE_SECRET_KEY = "sk_test_sandbox";
  env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
  env.STRIPE_CONNECT_WEBHOOK_SECRET = stripe.connectWebhookSecret;
  env.STRIPE_API_URL = stripe.url;
  lines.push(`  Stripe stand-in ${stripe.url}  (test cards: pm_card_visa succeeds, pm_card_chargeDeclined declines; brands onboard to Connect from the app's Payouts page)`);
}
if (!env.SMTP_URL) {
  // Every email the product sends is caught here (the newest 5,000), and read on the mailbox page.
  const smtp = await startSmtpSink({ port: 0, keep: 5000 });
  env.SMTP_URL = smtp.url;
  const mailbox = await startMailbox(smtp, { port: Number(env.MAILBOX_PORT || port + 3) });
  lines.push(`  Mailbox         ${mailbox.url}  <- every email sent (gift emails, reminders, shipping, thank-you notes), never sent out; JSON at ${mailbox.url}api/messages`);
}

if (!env.SHOPIFY_API_SECRET && !env.SHOPIFY_SANDBOX_URL) {
  // Shopify stand-in (Admin API, token exchange, signed webhooks to the app) and the admin
  // frame that embeds the app as Shopify admin does, with the App Bridge stand-in.
  // Its shops live in DATA_DIR (a restart finds the installed demo shop as it was), on a
  // steady port (PORT+2) so the product image URLs the catalog mirror keeps still load.
  const standInOptions = {
    apiKey: env.SHOPIFY_API_KEY || undefined,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/shopify`,
    demoShop: false,
    stateFile: path.resolve(env.DATA_DIR || ".data", "shopify-stand-in.json"),
  };
  const shopify = await startShopifyStandIn({ ...standInOptions, port: Number(env.SHOPIFY_STANDIN_PORT ?? port + 2) }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EADDRINUSE") throw err;
    return startShopifyStandIn({ ...standInOptions, port: 0 });
  });
  shopifyStandIn = shopify;
  env.SHOPIFY_SANDBOX_URL = shopify.url;
  env.SHOPIFY_API_KEY = shopify.apiKey;
  env.SHOPIFY_API_SECRET = shopify.apiSecret;
  const admin = await startAdminFrame({
    appUrl: env.SHOPIFY_APP_URL || env.PUBLIC_URL || `http://localhost:${port}`,
    apiKey: shopify.apiKey,
    apiSecret: shopify.apiSecret,
    shop: DEMO_BRAND_SHOP,
    shopName: "Northwind Goods",
    shopifyUrl: shopify.url,
    port: Number(env.ADMIN_FRAME_PORT || port + 1),
  });
  env.SHOPIFY_APP_BRIDGE_URL = admin.appBridgeUrl;
  env.SHOPIFY_ADMIN_URL = admin.url;
  lines.push(`  Shopify stand-in ${shopify.url}  (demo shop ${DEMO_BRAND_SHOP})`);
  lines.push(`  Shopify admin   ${admin.adminUrl}  <- open this: the embedded app inside a local Shopify admin`);
}
if (!env.XERO_CLIENT_ID) {
  // Xero stand-in (identity, connections, Accounting API): xero-node reaches it unmodified
  // through the sandbox host routing, trusting only the stand-in's CA (written to DATA_DIR).
  const publicUrl = env.PUBLIC_URL || `http://localhost:${port}`;
  const redirectUri = `${publicUrl}/finance/xero/callback`;
  const client = { clientId: "GIFTLOOPSANDBOXXEROCLIENT0000001", clientSecret: "giftloop-sandbox-xero-secret-not-for-production", name: "Giftloop (sandbox)", redirectUris: [redirectUri] };
  xeroStandIn = await startXeroStandIn({ port: Number(env.XERO_STANDIN_PORT || 0), clients: [client], organisations: DEMO_XERO_ORGS });
  const dataDir = path.resolve(env.DATA_DIR || ".data");
  mkdirSync(dataDir, { recursive: true });
  const caFile = path.join(dataDir, "xero-stand-in-ca.pem");
  writeFileSync(caFile, xeroStandIn.caPem);
  env.XERO_CLIENT_ID = client.clientId;
  env.XERO_CLIENT_SECRET = client.clientSecret;
  env.XERO_REDIRECT_URI = redirectUri;
  env.XERO_SANDBOX_URL = xeroStandIn.tlsUrl;
  env.XERO_SANDBOX_CA_FILE = caFile;
  lines.push(`  Xero stand-in   ${xeroStandIn.url}  (the demo platform's bills and invoices: ${xeroStandIn.url}/_sandbox/organisations/${DEMO_XERO_TENANT_ID}/invoices)`);
}
if (await ensureStorefrontBuild((m) => process.stderr.write(`  ${m}\n`))) lines.push("  (the recipient storefront was built: storefront/dist)");
if (await ensureFinanceBuild((m) => process.stderr.write(`  ${m}\n`))) lines.push("  (the finance console was built: storefront/dist-finance)");
if (await ensureAppBuild({ log: (m) => process.stderr.write(`  ${m}\n`) })) lines.push("  (the embedded app was built: shopify-app/build)");

const { deps } = await import("@giftloop/server/main");
if (deps.config.ROLE === "all") {
  const { seedDemo } = await import("./demo-seed.ts");
  const demo = await seedDemo(deps);
  lines.push(`  Buyer site      ${deps.config.publicUrl}/buy/${demo.storefrontSlug}  <- the brand's gifting site: sign up with any work email (the link is in the mailbox), order, pay with a test card`);
  lines.push(`  Demo storefront ${deps.config.publicUrl}/v1/storefronts/${demo.storefrontSlug}  (the same as JSON)`);
  lines.push(`  Recipients      ${deps.config.giftLinkBaseUrl}/redeem  (gift links in the emails open ${deps.config.giftLinkBaseUrl}/g/<code>)`);
  if (shopifyStandIn) {
    // The demo brand's shop in the stand-in: redeemed demo gifts become orders there (order push).
    const { connectDemoShop } = await import("./shopify/demo-connect.ts");
    await connectDemoShop(deps, shopifyStandIn, DEMO_BRAND_SHOP);
    lines.push(`  Brand's orders  ${shopifyStandIn.url}/_sandbox/shops/${DEMO_BRAND_SHOP}/orders.html  (redeemed gifts arrive as Shopify orders; Fulfil there)`);
  }
  if (xeroStandIn) {
    // The platform's Xero organisation, connected and mapped: paid orders, refunds, fees and
    // payouts are booked there by the accounting jobs.
    const { connectDemoXero } = await import("./xero/demo-connect.ts");
    await connectDemoXero(deps, xeroStandIn).catch((err: unknown) => process.stderr.write(`  Xero demo connection failed: ${String(err)}\n`));
    const { addStaff } = await import("@giftloop/core/accounting/staff-session");
    await addStaff(deps, { email: "finance@giftloop.test", name: "Demo finance admin", role: "admin" });
    lines.push(`  Finance console ${deps.config.publicUrl}/finance  <- sign in as finance@giftloop.test; the link arrives in the mailbox`);
  }
  if (demo.buyerApiKey) lines.push(`  Demo buyer key  ${demo.buyerApiKey}  (shown once; kept in ${deps.config.DATA_DIR}/demo-buyer.key)`);
}
process.stderr.write(`  Sandbox mode:\n${lines.join("\n")}\n\n`);
