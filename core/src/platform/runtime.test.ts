import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// The product runs on Node 22: `npm run` and `npx` put the `node` devDependency
// (node_modules/.bin/node) first on PATH, so tests, CI and `npm start` use it even on a
// machine whose own node is older. This test fails if that ever stops being true.
const rootPackage = JSON.parse(
  readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
) as { name?: string; engines?: { node?: string }; devDependencies?: Record<string, string> };

describe("runtime", () => {
  it("is Node 22", () => {
    expect(process.version).toMatch(/^v22\./);
    expect(process.versions.node.split(".")[0]).toBe("22");
  });

  it("satisfies engines.node in the root package.json", () => {
    expect(rootPackage.name).toBe("giftloop");
    const range = rootPackage.engines?.node;
    expect(range, "root package.json must declare engines.node").toBeTypeOf("string");
    expect(semver.validRange(range)).not.toBeNull();
    expect(semver.satisfies(process.version, range ?? "")).toBe(true);
  });

  it("matches the pinned node devDependency that npm scripts run on", () => {
    const pinned = rootPackage.devDependencies?.node;
    expect(pinned).toBeTypeOf("string");
    expect(semver.satisfies(process.version, pinned ?? "")).toBe(true);
    expect(semver.satisfies(semver.minVersion(pinned ?? "") ?? "0.0.0", rootPackage.engines?.node ?? "")).toBe(true);
  });
});
