import { z } from "zod";

/**
 * Every setting the product reads, parsed once at start-up. A wrong or missing setting
 * stops the process with a message naming it (see `loadConfig`).
 */
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded");

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    ROLE: z.enum(["all", "api", "worker"]).default("all"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Behind a load balancer: take the client address from X-Forwarded-For (rate limits). */
    TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
    /** Order and quote bodies (JSON or CSV of up to 10,000 recipients with messages). */
    ORDER_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    /**
     * The tables' owner, for migrations only (default DATABASE_URL). Set it, and DATABASE_URL
     * to a login role that is only a member of giftloop_app and giftloop_tenant, so that no
     * statement the api or worker runs can act as the owner.
     */
    DATABASE_OWNER_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    DATA_DIR: z.string().min(1).default(".data"),
    DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),

    JOB_DRIVER: z.enum(["db", "sqs"]).default("db"),
    JOB_CONCURRENCY: z.coerce.number().int().positive().default(32),
    JOB_BATCH_SIZE: z.coerce.number().int().positive().max(500).default(100),
    JOB_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(20),
    JOB_LEASE_SECONDS: z.coerce.number().int().positive().default(30),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().nonnegative().default(20),
    SQS_QUEUE_URL: z.url().optional(),
    SQS_DLQ_URL: z.url().optional(),
    SQS_WAIT_SECONDS: z.coerce.number().int().min(0).max(20).default(10),
    SQS_RELAY_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(0),

    AWS_REGION: z.string().min(1).default("us-east-1"),
    AWS_ENDPOINT_URL: z.url().optional(),

    STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
    STORAGE_DIR: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(3).optional(),

    SECRETS_PROVIDER: z.enum(["local", "kms"]).default("local"),
    SECRETS_LOCAL_KEY: base64Key.optional(),
    KMS_KEY_ID: z.string().min(1).optional(),

    OPERATOR_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    SIGNING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),

    SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
    EMAIL_FROM: z.string().min(3).default("Giftloop <gifts@giftloop.test>"),
    CODE_HMAC_KEY: base64Key.optional(),
    GIFT_LINK_BASE_URL: z.url().optional(),
    STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_… or sk_live_…)").optional(),
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, "must be a Stripe webhook signing secret (whsec_…)").optional(),
    /**
     * Signing secret of the Connect webhook endpoint `POST /webhooks/stripe/connect` (events of
     * the brands' connected accounts; Stripe gives each endpoint its own secret).
     */
    STRIPE_CONNECT_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, "must be a Stripe webhook signing secret (whsec_…)").optional(),
    /** Sandbox only: where the Stripe SDK sends requests (the local Stripe stand-in). */
    STRIPE_API_URL: z.url().optional(),
    /** Live mode: the buyer storefront's Stripe Payment Element uses it (pk_live_… or pk_test_…). */
    STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_(test|live)_\w+$/, "must be a Stripe publishable key (pk_test_… or pk_live_…)").optional(),

    /** The Shopify app's client id and secret (Partner dashboard / `shopify app env show`). */
    SHOPIFY_API_KEY: z.string().min(1).default("giftloop-sandbox-app"),
    SHOPIFY_API_SECRET: z.string().min(1).optional(),
    /** Where Shopify reaches the app (the embedded admin pages, auth and webhooks). */
    SHOPIFY_APP_URL: z.url().optional(),
    SHOPIFY_API_VERSION: z.string().regex(/^\d{4}-\d{2}$/, "must be a Shopify API version like 2026-10").default("2026-10"),
    /**
     * Sandbox only: the local Shopify stand-in. When set, requests the Shopify libraries make to
     * `*.myshopify.com` are routed to it (never in production).
     */
    SHOPIFY_SANDBOX_URL: z.url().optional(),
    /**
     * Sandbox only: where the embedded app loads its App Bridge stand-in (the admin frame's
     * script) instead of Shopify's CDN; the admin frame's origin may also frame the app.
     */
    SHOPIFY_APP_BRIDGE_URL: z.url().optional(),
    /**
     * Sandbox only: the origin of the admin that embeds the app (the admin frame), where Stripe
     * sends the brand back after onboarding; Shopify admin (https://admin.shopify.com) otherwise.
     */
    SHOPIFY_ADMIN_URL: z.url().optional(),

    /** The platform's Xero app (developer.xero.com): without it, nothing is booked in Xero. */
    XERO_CLIENT_ID: z.string().min(1).optional(),
    XERO_CLIENT_SECRET: z.string().min(1).optional(),
    /** The callback registered at Xero; default PUBLIC_URL + /finance/xero/callback. */
    XERO_REDIRECT_URI: z.url().optional(),
    /** The currency the platform books in: a Xero organisation in another base currency is refused. */
    PLATFORM_CURRENCY: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code like USD").default("USD"),
    /**
     * Sandbox only: the Xero stand-in's HTTPS listener and its CA (PEM file). When set,
     * xero-node's requests to identity.xero.com and api.xero.com go to it (never in production).
     */
    XERO_SANDBOX_URL: z.url().optional(),
    /** Calls per minute and in flight per Xero organisation (Xero's limits: 60 and 5). */
    XERO_MINUTE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(60),
    XERO_CONCURRENCY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
    XERO_SANDBOX_CA_FILE: z.string().min(1).optional(),
    /** Optional operations alerts: a Slack incoming-webhook URL and a Sentry DSN. */
    SLACK_WEBHOOK_URL: z.url().optional(),
    SENTRY_DSN: z.url().optional(),
  })
  .superRefine((c, ctx) => {
    const need = (cond: boolean, key: string, why: string) => {
      if (cond) ctx.addIssue({ code: "custom", path: [key], message: `is required ${why}` });
    };
    need(c.JOB_DRIVER === "sqs" && !c.SQS_QUEUE_URL, "SQS_QUEUE_URL", "when JOB_DRIVER=sqs");
    need(c.JOB_DRIVER === "sqs" && !c.SQS_DLQ_URL, "SQS_DLQ_URL", "when JOB_DRIVER=sqs");
    need(c.STORAGE_DRIVER === "s3" && !c.S3_BUCKET, "S3_BUCKET", "when STORAGE_DRIVER=s3");
    need(c.SECRETS_PROVIDER === "kms" && !c.KMS_KEY_ID, "KMS_KEY_ID", "when SECRETS_PROVIDER=kms");
    const prod = c.NODE_ENV === "production";
    need(prod && !c.DATABASE_URL, "DATABASE_URL", "in production (the embedded database is for development)");
    need(prod && c.SECRETS_PROVIDER === "local" && !c.SECRETS_LOCAL_KEY, "SECRETS_LOCAL_KEY", "in production with SECRETS_PROVIDER=local");
    need(prod && !c.OPERATOR_TOKEN_SECRET, "OPERATOR_TOKEN_SECRET", "in production");
    need(prod && !c.SIGNING_SECRET, "SIGNING_SECRET", "in production");
    need(prod && !c.SMTP_URL, "SMTP_URL", "in production");
    need(prod && !c.CODE_HMAC_KEY, "CODE_HMAC_KEY", "in production");
    need(prod && !c.STRIPE_SECRET_KEY, "STRIPE_SECRET_KEY", "in production");
    need(prod && !c.STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET", "in production");
    need(prod && !c.STRIPE_CONNECT_WEBHOOK_SECRET, "STRIPE_CONNECT_WEBHOOK_SECRET", "in production (brand payouts' Connect webhooks)");
    need(prod && !c.SHOPIFY_API_SECRET, "SHOPIFY_API_SECRET", "in production");
    need(prod && !c.SHOPIFY_APP_URL, "SHOPIFY_APP_URL", "in production");
    if (prod && c.SHOPIFY_SANDBOX_URL) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_SANDBOX_URL"], message: "is for sandbox mode only; unset it in production" });
    }
    if (prod && c.SHOPIFY_APP_BRIDGE_URL) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_APP_BRIDGE_URL"], message: "is for sandbox mode only; unset it in production" });
    }
    if (prod && c.SHOPIFY_ADMIN_URL) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_ADMIN_URL"], message: "is for sandbox mode only; unset it in production" });
    }
    need(Boolean(c.XERO_CLIENT_ID) !== Boolean(c.XERO_CLIENT_SECRET), c.XERO_CLIENT_ID ? "XERO_CLIENT_SECRET" : "XERO_CLIENT_ID", "when the other Xero app setting is set");
    need(Boolean(c.XERO_SANDBOX_URL) && !c.XERO_SANDBOX_CA_FILE, "XERO_SANDBOX_CA_FILE", "when XERO_SANDBOX_URL is set");
    if (prod && c.XERO_SANDBOX_URL) {
      ctx.addIssue({ code: "custom", path: ["XERO_SANDBOX_URL"], message: "is for sandbox mode only; unset it in production" });
    }
    if (prod && c.STRIPE_API_URL) {
      ctx.addIssue({ code: "custom", path: ["STRIPE_API_URL"], message: "is for sandbox mode only; unset it in production" });
    }
  });

export type Config = z.infer<typeof configSchema> & {
  publicUrl: string;
  giftLinkBaseUrl: string;
  /** The Shopify app's public URL (defaults to the core's public URL: one process serves both). */
  shopifyAppUrl: string;
  /** Where Xero sends staff back after consent. */
  xeroRedirectUri: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses settings from an environment; throws ConfigError naming every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`),
    );
  }
  const c = result.data;
  const publicUrl = c.PUBLIC_URL ?? `http://localhost:${c.PORT}`;
  return {
    ...c,
    publicUrl,
    giftLinkBaseUrl: c.GIFT_LINK_BASE_URL ?? publicUrl,
    shopifyAppUrl: c.SHOPIFY_APP_URL ?? publicUrl,
    xeroRedirectUri: c.XERO_REDIRECT_URI ?? `${publicUrl}/finance/xero/callback`,
  };
}

/** For process entry points: parse, or print the problems and exit(1). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
