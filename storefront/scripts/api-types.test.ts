import { beforeAll, describe, expect, it } from "vitest";
import { currentApiTypes, generateApiTypes, TARGETS } from "./api-types.ts";

describe("the clients' API types match the core's OpenAPI document (else: npm run api-types -w storefront)", () => {
  let fresh: Map<string, string>;
  beforeAll(async () => {
    fresh = await generateApiTypes();
  }, 120_000);

  it.each(TARGETS.map((t) => t.file))("%s", (file) => {
    expect(currentApiTypes(file) === fresh.get(file)).toBe(true);
  });
});
