/**
 * `npm run payouts -- <command>`: the operator's payout tools, through the operator API of
 * the running server (`npm start`, or `--api URL`), with a token minted from this
 * deployment's configuration.
 *   preview [--vendor ID] [--as-of ISO]        what a run would pay and carry over (writes nothing)
 *   run [--vendor ID]                          run a payout cycle now
 *   list [--status S] [--vendor ID]            payouts, newest first
 *   inspect <payout-id>                        lines, transfers, adjustments, history
 *   approve <payout-id>                        approve a draft payout
 *   retry <payout-id>                          retry a failed or needs-attention payout
 *   settings [--vendor ID] [--set k=v ...]     show or change settings (commissionBps, settlementDays,
 *                                              scheduleDays, approvalRequired, minimumPayout.USD)
 */
import { Console } from "node:console";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../platform/config.ts";
import { runningServer } from "../platform/server-file.ts";
import { mintOperatorToken } from "../http/operator-auth.ts";

const USAGE =
  "usage: npm run payouts -- preview [--vendor ID] [--as-of ISO] | run [--vendor ID] | list [--status S] [--vendor ID] | inspect <id> | approve <id> | retry <id> | settings [--vendor ID] [--set key=value ...] [--api URL]";

/** `--set` values as a settings patch: numbers, booleans, null, and `minimumPayout.USD=2500`. */
export function settingsPatch(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [key, raw] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
    if (!key || pair.indexOf("=") < 0) throw new Error(`--set wants key=value, got ${pair}`);
    const value = raw === "null" ? null : raw === "true" ? true : raw === "false" ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
    const [head, sub] = key.split(".");
    if (sub) patch[head!] = { ...((patch[head!] as object) ?? {}), [sub]: value };
    else patch[key] = value;
  }
  return patch;
}

export interface PayoutsCliIo {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runPayoutsCli(argv: string[], io: PayoutsCliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = new Console(io.stdout, io.stderr);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      vendor: { type: "string" },
      "as-of": { type: "string" },
      status: { type: "string" },
      set: { type: "string", multiple: true },
      api: { type: "string" },
      sub: { type: "string", default: io.env.USER ?? "operator" },
    },
  });
  const config = parseConfig(io.env);
  const api = values.api ?? runningServer(config)?.url;
  if (!api) {
    out.error("No running server: start it (npm start) or give --api URL.");
    return 1;
  }
  const token = await mintOperatorToken(config, { sub: values.sub!, ttlSeconds: 120 });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}/v1/operator/payouts${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as unknown;
    if (res.status >= 400) {
      out.error(`${res.status} ${(json as { code?: string }).code ?? ""}: ${(json as { detail?: string }).detail ?? JSON.stringify(json)}`);
      return undefined;
    }
    return json;
  };
  const [command, id] = positionals;
  const q = new URLSearchParams();
  if (values.vendor) q.set("vendorId", values.vendor);
  let result: unknown;
  switch (command) {
    case "preview":
      if (values["as-of"]) q.set("asOf", values["as-of"]);
      result = await call("GET", `/preview?${q}`);
      break;
    case "run":
      result = await call("POST", "/runs", values.vendor ? { vendorId: values.vendor } : {});
      break;
    case "list":
      if (values.status) q.set("status", values.status);
      result = await call("GET", `/?${q}`);
      break;
    case "inspect":
    case "approve":
    case "retry":
      if (!id) return out.error(USAGE), 1;
      result = command === "inspect" ? await call("GET", `/${encodeURIComponent(id)}`) : await call("POST", `/${encodeURIComponent(id)}/${command}`, {});
      break;
    case "settings": {
      const path = values.vendor ? `/settings/vendors/${encodeURIComponent(values.vendor)}` : "/settings";
      result = values.set?.length ? await call("PATCH", path, settingsPatch(values.set)) : await call("GET", path);
      break;
    }
    default:
      out.error(USAGE);
      return 1;
  }
  if (result === undefined) return 1;
  out.log(JSON.stringify(result, null, 2));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runPayoutsCli(process.argv.slice(2));
}
