import type http from "node:http";
import type { XeroContext } from "./context.ts";
import { dropAnswer, injectFault, pickFault } from "./fault-injection.ts";
import { header, type Send } from "./http-io.ts";

/** POST /connect/token (identity.ts does the grant); request and answer are checked against the identity yaml. */
export async function serveTokenRequest(ctx: XeroContext, req: http.IncomingMessage, res: http.ServerResponse, raw: string, send: Send): Promise<void> {
  const fault = pickFault(ctx, "token", "POST");
  if (fault && fault !== "drop") return injectFault(ctx, fault, res, send);
  const form = new URLSearchParams(raw);
  const asObject = Object.fromEntries(form.entries());
  const reqErrors = ctx.spec.validateComponent("identity", "RefreshToken", asObject, "token request");
  if (reqErrors.length) ctx.requestViolations.push({ at: "POST /connect/token", operationId: "token", errors: reqErrors });
  const answer = await ctx.identity.token(form, header(req, "authorization"));
  if (answer.status === 200) {
    const errors = ctx.spec.validateComponent("identity", "AccessToken", answer.body, "token response");
    if (errors.length) ctx.responseViolations.push({ at: "POST /connect/token", operationId: "token", status: 200, errors });
  }
  if (fault === "drop") return dropAnswer(ctx, res);
  send({ ...answer, headers: { ...answer.headers, "Cache-Control": "no-store", Pragma: "no-cache" } });
}
