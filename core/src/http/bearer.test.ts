import { describe, expect, it } from "vitest";
import { bearerToken } from "./bearer.ts";

describe("bearerToken", () => {
  it.each([
    ["Bearer abc.def-ghi_~+/", "abc.def-ghi_~+/"],
    ["bearer gl_sk_abc", "gl_sk_abc"],
    ["BEARER  tok==  ", "tok=="],
  ])("reads %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([undefined, null, "", "Bearer", "Bearer ", "Basic abc", "Bearer a b", "Bearer a=b", "Bearer tök", "Token abc", `Bearer ${"a".repeat(9000)}`])(
    "refuses %j",
    (header) => {
      expect(bearerToken(header)).toBeUndefined();
    },
  );
});
