import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.ts";

const problems = (env: Record<string, string>) => {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
};

describe("configuration", () => {
  it("runs on defaults in development", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ ROLE: "all", JOB_DRIVER: "db", STORAGE_DRIVER: "local", SECRETS_PROVIDER: "local" });
    expect(c.publicUrl).toBe("http://localhost:3000");
  });

  it("names every wrong setting", () => {
    const p = problems({ JOB_DRIVER: "kafka", PORT: "http", DATABASE_URL: "mysql://x", BODY_LIMIT_BYTES: "-1" });
    expect(p.map((x) => x.split(":")[0]).sort()).toEqual(["BODY_LIMIT_BYTES", "DATABASE_URL", "JOB_DRIVER", "PORT"]);
  });

  it("names settings that another setting makes required", () => {
    expect(problems({ JOB_DRIVER: "sqs" }).join("\n")).toMatch(/SQS_QUEUE_URL: is required when JOB_DRIVER=sqs/);
    expect(problems({ STORAGE_DRIVER: "s3" }).join("\n")).toMatch(/S3_BUCKET/);
    expect(problems({ SECRETS_PROVIDER: "kms" }).join("\n")).toMatch(/KMS_KEY_ID/);
  });

  it("requires explicit secrets and PostgreSQL in production", () => {
    const p = problems({ NODE_ENV: "production" }).join("\n");
    for (const key of ["DATABASE_URL", "SECRETS_LOCAL_KEY", "OPERATOR_TOKEN_SECRET", "SIGNING_SECRET", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "STRIPE_CONNECT_WEBHOOK_SECRET"]) {
      expect(p).toContain(key);
    }
  });

  it("rejects a local key that is not 32 bytes", () => {
    expect(problems({ SECRETS_LOCAL_KEY: Buffer.alloc(16).toString("base64") }).join()).toMatch(/SECRETS_LOCAL_KEY: must be 32 bytes/);
  });

  it("refuses the Shopify stand-in in production", () => {
    expect(problems({ NODE_ENV: "production", SHOPIFY_SANDBOX_URL: "http://127.0.0.1:9" }).join("\n")).toMatch(/SHOPIFY_SANDBOX_URL: is for sandbox mode only/);
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});
