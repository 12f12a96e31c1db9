import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startXeroStandIn, type XeroStandIn, type XeroStandInOptions } from "@giftloop/sandbox/xero/server";
import { uninstallXeroSandboxRouting } from "../integrations/xero/sandbox-routing.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { platformContext } from "../platform/use-case.ts";
import { connectWithConsent } from "./xero-connect.ts";
import type { XeroMapping } from "./xero-connection.ts";
import { createBookAccountingJob } from "./accounting.jobs.ts";
import { jobRegistry } from "../jobs/jobs.registry.ts";
import { JobRegistry } from "../jobs/registry.ts";
import { Hono } from "hono";
import { addStaff, staffSessions, type StaffRole } from "./staff-session.ts";
import type { Deps } from "../platform/deps.ts";

/**
 * Accounting tests' stack: the Xero stand-in (xero-node reaches it through the sandbox host
 * routing), the api in-process with Xero configured, and the platform connected and mapped.
 */
export const TEST_MAPPING: XeroMapping = { billsAccountCode: "320", taxType: "INPUT", trackingCategory: "Brand", clearingAccountCode: "091", salesAccountCode: "200", feesAccountCode: "405" };

export interface AccountingStack {
  standIn: XeroStandIn;
  t: TestApp;
  tenantId: string;
  stop(): Promise<string[]>;
}

/** The product's registry with a fast-retrying booking job (for tests that fail Xero calls on purpose). */
export function fastRetryRegistry(): JobRegistry {
  const base = jobRegistry();
  const book = createBookAccountingJob({ backoff: { baseMs: 50, maxMs: 400 } });
  return new JobRegistry([...base.types().filter((t) => t !== book.type).map((t) => base.get(t)!), book]);
}

export async function startAccountingStack(
  opts: { env?: Record<string, string>; standIn?: XeroStandInOptions; connect?: boolean; registry?: JobRegistry } = {},
): Promise<AccountingStack> {
  const standIn = await startXeroStandIn(opts.standIn);
  const tenantId = standIn.organisationNamed("Platform").tenantId;
  const dir = mkdtempSync(path.join(tmpdir(), "xero-ca-"));
  writeFileSync(path.join(dir, "ca.pem"), standIn.caPem);
  const t = await testApp({
    env: {
      XERO_CLIENT_ID: standIn.client.clientId,
      XERO_CLIENT_SECRET: standIn.client.clientSecret,
      XERO_REDIRECT_URI: standIn.client.redirectUris[0],
      XERO_SANDBOX_URL: standIn.tlsUrl,
      XERO_SANDBOX_CA_FILE: path.join(dir, "ca.pem"),
      STRIPE_SECRET_KEY: "sk_test_unused",
      ...opts.env,
    },
    ...(opts.registry ? { registry: opts.registry } : {}),
  });
  if (opts.connect ?? true) {
    const ctx = platformContext({ db: t.deps.db, actor: "test", log: t.deps.log });
    const connected = await connectWithConsent(ctx, t.deps, (url) => standIn.consent(url, { tenantIds: [tenantId] }), TEST_MAPPING);
    if (!connected.ok) throw new Error(`connecting Xero: ${connected.code}: ${connected.detail}`);
  }
  return {
    standIn,
    t,
    tenantId,
    async stop() {
      uninstallXeroSandboxRouting();
      const violations = [...standIn.requestViolations, ...standIn.responseViolations].map((v) => `${v.operationId}: ${v.errors.join("; ")}`);
      await standIn.stop();
      await t.close();
      return violations;
    },
  };
}

/**
 * A staff member of `role` signed in to the finance console (made if need be): the headers the
 * console's requests carry, the session cookie and its CSRF token. A new session each call.
 */
export async function staffSessionHeaders(deps: Pick<Deps, "db" | "config">, role: StaffRole = "admin", email = `${role}@giftloop.test`): Promise<{ cookie: string; "x-csrf-token": string }> {
  const { id } = await addStaff(deps, { email, name: `Test ${role}`, role });
  let csrf = "";
  const signIn = new Hono().get("/", async (c) => {
    csrf = (await staffSessions(deps).start(c, id)).csrfToken;
    return c.body(null, 204);
  });
  const cookie = (await signIn.request("/")).headers.get("set-cookie")?.split(";")[0];
  if (!cookie || !csrf) throw new Error("no staff session");
  return { cookie, "x-csrf-token": csrf };
}
