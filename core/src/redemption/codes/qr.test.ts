import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { generateCode, giftLinkUrl } from "./codes.ts";
import { qrPng, qrSvg } from "./qr.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG's IHDR fields and its decompressed image data, read by hand. */
function readPng(png: Buffer) {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number } | undefined;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]! };
    }
    if (type === "IDAT") idat.push(data);
    if (type === "IEND") sawEnd = true;
    offset += 12 + length;
  }
  expect(sawEnd).toBe(true);
  return { header: header!, pixels: inflateSync(Buffer.concat(idat)) };
}

describe("QR codes", () => {
  const url = giftLinkUrl("https://gifts.example.com", generateCode());

  it("qrPng is a square PNG of the requested size", async () => {
    for (const size of [64, 300, 400, 512]) {
      const png = await qrPng(url, { size });
      const { header, pixels } = readPng(png);
      expect(header.width).toBe(size);
      expect(header.height).toBe(size);
      expect(header.bitDepth).toBe(8);
      // One filter byte per row plus the row's pixels; colour type 6 is RGBA.
      const channels = header.colorType === 6 ? 4 : header.colorType === 2 ? 3 : header.colorType === 0 ? 1 : 2;
      expect(pixels.length).toBe(size * (1 + size * channels));
    }
  });

  it("qrPng defaults to 400 px and refuses silly sizes and texts", async () => {
    expect(readPng(await qrPng(url)).header.width).toBe(400);
    await expect(qrPng(url, { size: 10 })).rejects.toThrow(RangeError);
    await expect(qrPng(url, { size: 100.5 })).rejects.toThrow(RangeError);
    await expect(qrPng("")).rejects.toThrow(TypeError);
    await expect(qrPng("x".repeat(2000))).rejects.toThrow(RangeError);
  });

  it("qrSvg is a standalone SVG document with the modules as a path", async () => {
    const svg = await qrSvg(url);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 (\d+) \1"/);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg).toMatch(/<path [^>]*d="M[^"]+"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
    // The same text gives the same symbol.
    expect(await qrSvg(url)).toBe(svg);
  });
});
