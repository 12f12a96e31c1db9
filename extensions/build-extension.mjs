// Bundles one admin UI extension the way Shopify's CLI does for Preact extensions: its
// shopify.extension.toml names the module; esbuild writes dist/<handle>.js (ESM, Preact's
// automatic JSX runtime, minified). Run from the extension's folder: `node ../build-extension.mjs`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const toml = readFileSync("shopify.extension.toml", "utf8");
const handle = /^\s*handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
const modules = [...toml.matchAll(/^\s*module\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
if (!handle || modules.length === 0) {
  console.error("shopify.extension.toml needs a handle and at least one [[extensions.targeting]] module");
  process.exit(1);
}
for (const entry of modules) {
  const out = path.join("dist", `${modules.length === 1 ? handle : path.basename(entry).replace(/\.[jt]sx?$/, "")}.js`);
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`${out}: ${(bytes / 1024).toFixed(1)} KiB`);
}
