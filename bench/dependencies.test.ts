import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The workspaces' package.json files say what each one uses: every package a workspace's
 * source imports is declared by that workspace (or, for tests and tooling, by the root's
 * devDependencies), nothing declared goes unused, type packages are devDependencies, each
 * AWS SDK package is one exact version, and a prerelease is pinned exactly (a caret on
 * `-rc.13` would take any later release candidate). The workspaces import each other as
 * packages (`@giftloop/core/...`) and declare each other like any other dependency.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const WORKSPACES = ["core", "shopify-app", "storefront", "sandbox", "server", "extensions/gift-order-block", "extensions/giftable-product-action"];

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8")) as Manifest;
const root = manifest(".");

/** Packages a workspace loads other than by an import in its source (CLIs, config, plugins). */
const USED_WITHOUT_IMPORT: Record<string, string[]> = {
  core: ["@prisma/client"],
  "shopify-app": ["@remix-run/dev", "@shopify/app-bridge-types", "isbot"],
  storefront: ["openapi-typescript", "vite"],
  sandbox: ["axe-core"], // read from its file and injected into the page under test
  // @shopify/ui-extensions/preact imports @preact/signals, its peer dependency.
  "extensions/gift-order-block": ["esbuild", "@preact/signals"],
  "extensions/giftable-product-action": ["esbuild", "@preact/signals"],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === "node_modules" || name === "build" || name === "dist" || name.startsWith(".")) continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;(])import\s*\(?\s*["']([^"']+)["']/gm;
const BUILTINS = new Set(builtinModules);

function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:") || specifier.startsWith("virtual:")) return null;
  if (specifier.startsWith("~/")) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return BUILTINS.has(name) ? null : name;
}

function importsOf(dir: string): Map<string, { file: string; test: boolean }[]> {
  const found = new Map<string, { file: string; test: boolean }[]>();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, "utf8");
    const test = /\.test\.tsx?$|[/\\]testing[/\\]|testing\.ts$/.test(file);
    for (const m of text.matchAll(IMPORT)) {
      const name = packageOf(m[1] ?? m[2]!);
      if (!name) continue;
      const list = found.get(name) ?? [];
      list.push({ file: path.relative(ROOT, file), test });
      found.set(name, list);
    }
  }
  return found;
}

describe("dependencies", () => {
  it.each(WORKSPACES)("%s declares what its source imports, and uses what it declares", (dir) => {
    const m = manifest(dir);
    const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})]);
    const rootDev = new Set(Object.keys(root.devDependencies ?? {}));
    const imports = importsOf(dir);
    const undeclared = [...imports].filter(([name]) => !declared.has(name) && !rootDev.has(name));
    expect(undeclared.map(([name, uses]) => `${name} (${uses[0]!.file})`)).toEqual([]);
    const typesFor = (name: string) => (name.startsWith("@types/") ? name.slice(7).replace("__", "/").replace(/^(?!@)(.*)\/(.*)$/, "@$1/$2") : null);
    const unused = [...declared].filter((name) => {
      if (imports.has(name) || USED_WITHOUT_IMPORT[dir]?.includes(name)) return false;
      const typed = typesFor(name);
      return !(typed && (imports.has(typed) || declared.has(typed)));
    });
    expect(unused).toEqual([]);
  });

  it("keeps type packages in devDependencies", () => {
    for (const dir of [".", ...WORKSPACES]) {
      expect(Object.keys(manifest(dir).dependencies ?? {}).filter((n) => n.startsWith("@types/")), dir).toEqual([]);
    }
  });

  it("pins prereleases exactly and uses one version of the AWS SDK", () => {
    const aws = new Set<string>();
    for (const dir of [".", ...WORKSPACES]) {
      const m = manifest(dir);
      for (const [name, range] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
        if (/-(rc|beta|alpha|next)/.test(range)) expect(range, `${dir}: ${name}`).toMatch(/^\d/);
        if (name.startsWith("@aws-sdk/")) aws.add(range);
      }
    }
    expect([...aws]).toHaveLength(1);
    expect([...aws][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
