/**
 * The ceiling a route on this box can reach: bare Hono routes in their own process, the same
 * framework and server as the api without any of its work.
 * - POST /bare reads the body and answers 200 (the webhook routes' ceiling);
 * - GET /bare answers BARE_GET_BODY, a body as large as the recipient's gift view (the
 *   recipient routes' floor at the same concurrency).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const getBody = process.env.BARE_GET_BODY ?? "{}";
const app = new Hono();
app.post("/bare", async (c) => {
  await c.req.text();
  return c.json({ received: true });
});
app.get("/bare", (c) => c.body(getBody, 200, { "content-type": "application/json" }));
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT) }, () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
