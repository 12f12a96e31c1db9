/**
 * The API types of the core's browser clients, generated with openapi-typescript from the
 * core's OpenAPI document (the one `GET /openapi.json` serves):
 * - storefront/src/api-schema.d.ts: the whole API, for the buyer storefront and the recipient
 *   pages (one workspace, one bundle build);
 * - each admin extension's src/api-schema.d.ts: only the operations it calls (`paths` below),
 *   with the schemas those use.
 *   npm run api-types -w storefront          write them
 *   npm run api-types:check -w storefront    exit 1 when one is stale (CI: api-types.test.ts)
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ApiTypesTarget {
  /** The generated file, relative to the repository root. */
  file: string;
  /** The API paths the client calls (every method of each); none: the whole API. */
  paths?: string[];
}

export const TARGETS: ApiTypesTarget[] = [
  { file: "storefront/src/api-schema.d.ts" },
  { file: "extensions/gift-order-block/src/api-schema.d.ts", paths: ["/v1/vendor/units/by-shopify-order/{id}"] },
  { file: "extensions/giftable-product-action/src/api-schema.d.ts", paths: ["/v1/vendor/products/{id}/gifting", "/v1/vendor/products/{id}/giftable"] },
];

const COMMAND = "npm run api-types -w storefront";

interface OpenApiDocument {
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown> } & Record<string, unknown>;
  webhooks?: unknown;
  [key: string]: unknown;
}

/** The core's OpenAPI document, built from the app as the api serves it. */
export async function loadOpenApiDocument(): Promise<OpenApiDocument> {
  const [{ testDeps }, { createApp }, { openApiDocument }] = await Promise.all([
    import("@giftloop/core/testing/deps"),
    import("@giftloop/core/http/app"),
    import("@giftloop/core/http/openapi"),
  ]);
  const deps = await testDeps({ env: { PUBLIC_URL: "http://localhost:3000" } });
  try {
    return openApiDocument(createApp(deps), deps.config) as unknown as OpenApiDocument;
  } finally {
    await deps.close();
  }
}

/** The document cut down to the given paths and the component schemas they reach through `$ref`s. */
export function onlyPaths(doc: OpenApiDocument, wanted: string[]): OpenApiDocument {
  const missing = wanted.filter((p) => !(p in doc.paths));
  if (missing.length > 0) throw new Error(`the OpenAPI document has no ${missing.join(", ")}`);
  const paths = Object.fromEntries(wanted.map((p) => [p, doc.paths[p]]));
  const schemas: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      const name = key === "$ref" && typeof value === "string" ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1] : undefined;
      if (name === undefined) visit(value);
      else if (!(name in schemas)) {
        schemas[name] = doc.components.schemas[name];
        visit(schemas[name]);
      }
    }
  };
  visit(paths);
  const { webhooks: _webhooks, ...rest } = doc;
  return { ...rest, paths, components: { ...doc.components, schemas } };
}

/** Each target's file contents, by file. */
export async function generateApiTypes(doc?: OpenApiDocument): Promise<Map<string, string>> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const full = doc ?? (await loadOpenApiDocument());
  const out = new Map<string, string>();
  for (const target of TARGETS) {
    const ast = await openapiTS((target.paths ? onlyPaths(full, target.paths) : full) as never, { alphabetize: true });
    const scope = target.paths ? " (only the operations this client calls, listed there)" : "";
    out.set(target.file, `// Generated from the core's OpenAPI document by storefront/scripts/api-types.ts${scope}: do not edit.\n${astToString(ast)}`);
  }
  return out;
}

export function currentApiTypes(file: string): string {
  try {
    return readFileSync(path.join(ROOT, file), "utf8");
  } catch {
    return "";
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const fresh = await generateApiTypes();
  if (process.argv.includes("--check")) {
    const stale = [...fresh].filter(([file, text]) => text !== currentApiTypes(file)).map(([file]) => file);
    if (stale.length > 0) {
      process.stderr.write(`${stale.join(", ")} ${stale.length === 1 ? "is" : "are"} stale: run \`${COMMAND}\`\n`);
      process.exit(1);
    }
  } else {
    for (const [file, text] of fresh) {
      writeFileSync(path.join(ROOT, file), text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
}
