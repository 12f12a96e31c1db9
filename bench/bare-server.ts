/** The ceiling for webhook ingest: a bare Hono route answering 200, in its own process. */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/bare", async (c) => {
  await c.req.text();
  return c.json({ received: true });
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT) }, () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
