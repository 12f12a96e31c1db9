/**
 * The stand-in's catalog model (what a Shopify store holds) and deterministic generators:
 * the demo shop's gift catalog (a few hundred products) and big catalogs for benchmarks
 * (10,000 products / 50,000 variants). Prices are integer minor units here and Shopify
 * decimal strings on the wire. The same seed always gives the same catalog.
 */

export interface SOption {
  id: number;
  name: string;
  position: number;
  values: string[];
}

export interface SImage {
  id: number;
  /** Path on the stand-in (made absolute with its base URL when served). */
  path: string;
  altText: string | null;
  width: number;
  height: number;
}

export interface SVariant {
  id: number;
  productId: number;
  title: string;
  sku: string;
  /** Minor units of the shop currency. */
  price: number;
  compareAtPrice: number | null;
  position: number;
  selectedOptions: Array<{ name: string; value: string }>;
  inventoryItemId: number;
  tracked: boolean;
  inventoryQuantity: number;
  imageId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  productType: string;
  vendor: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  options: SOption[];
  variants: SVariant[];
  images: SImage[];
  createdAt: Date;
  updatedAt: Date;
}

/** Small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Family {
  type: string;
  nouns: string[];
  adjectives: string[];
  options: Array<{ name: string; values: string[] }>;
  priceRange: [number, number];
  tags: string[];
}

const COLOURS = ["Navy", "Forest", "Oat", "Charcoal", "Rust", "Sky", "Blush", "Black"];
const SIZES = ["XS", "S", "M", "L", "XL"];

const FAMILIES: Family[] = [
  {
    type: "Apparel",
    nouns: ["Hoodie", "Crewneck Sweatshirt", "Organic Tee", "Quarter-Zip", "Fleece Vest", "Rain Jacket", "Beanie Set", "Lounge Pants"],
    adjectives: ["Everyday", "Heritage", "Alpine", "Coastal", "Studio", "Trailhead", "Weekend", "Harbor"],
    options: [
      { name: "Size", values: SIZES },
      { name: "Colour", values: COLOURS },
    ],
    priceRange: [2800, 12000],
    tags: ["apparel", "onboarding", "team-swag"],
  },
  {
    type: "Home",
    nouns: ["Ceramic Mug", "Scented Candle", "Linen Throw", "Desk Planter", "Waffle Towel Set", "Serving Board", "Tumbler", "Notebook"],
    adjectives: ["Stoneware", "Cedar & Sage", "Handwoven", "Minimal", "Hearth", "Studio", "Morning", "Botanical"],
    options: [{ name: "Colour", values: COLOURS.slice(0, 5) }],
    priceRange: [1500, 8500],
    tags: ["home", "desk", "thank-you"],
  },
  {
    type: "Food & Drink",
    nouns: ["Coffee Sampler", "Chocolate Box", "Tea Tin Trio", "Hot Sauce Flight", "Olive Oil Duo", "Granola Crate", "Honey Set", "Cookie Tin"],
    adjectives: ["Single-Origin", "Small-Batch", "Artisan", "Holiday", "Orchard", "Smoky", "Wildflower", "Salted Caramel"],
    options: [
      { name: "Size", values: ["Small", "Medium", "Large"] },
      { name: "Pack", values: ["Single", "Duo"] },
    ],
    priceRange: [1800, 9500],
    tags: ["food", "holiday", "client-gift"],
  },
  {
    type: "Gift Sets",
    nouns: ["Welcome Box", "Wellness Kit", "Remote Work Kit", "Celebration Crate", "Self-Care Set", "Adventure Pack"],
    adjectives: ["Deluxe", "Classic", "Essentials", "Signature", "Premium", "Mini"],
    options: [
      { name: "Colour", values: ["Kraft", "Black", "White"] },
      { name: "Card", values: ["No card", "Printed card"] },
    ],
    priceRange: [4500, 18000],
    tags: ["bundle", "onboarding", "client-gift"],
  },
];

const BRANDS = ["Northwind Goods", "Giftloop Studio", "Harbor & Pine", "Fieldnote Co.", "Copper Kettle"];

export interface GenerateOptions {
  products: number;
  /** Upper bound of variants per product (each product gets option combinations up to this). */
  variantsPerProduct?: number;
  /** Exactly this many variants per product (benchmarks); default: varies 1..variantsPerProduct. */
  exactVariants?: boolean;
  seed?: number;
  /** Id offset so several shops get distinct ids. */
  idBase?: number;
  imagePathPrefix: string;
  now?: Date;
}

/** A deterministic catalog: same options, same products, ids, prices and stock. */
export function generateCatalog(opts: GenerateOptions): SProduct[] {
  const rand = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const base = opts.idBase ?? 7_000_000_000;
  const maxVariants = opts.variantsPerProduct ?? 6;
  const created = opts.now ?? new Date("2026-01-15T09:00:00Z");
  const out: SProduct[] = [];
  const handles = new Set<string>();
  let variantSeq = 0;
  let imageSeq = 0;
  for (let i = 0; i < opts.products; i++) {
    const fam = FAMILIES[i % FAMILIES.length]!;
    const noun = pick(fam.nouns);
    const adj = pick(fam.adjectives);
    const title = `${adj} ${noun}`;
    let handle = slug(title);
    if (handles.has(handle)) handle = `${handle}-${i + 1}`;
    handles.add(handle);
    const id = base + i + 1;
    // Option combinations, capped at the variant budget for this product.
    const wanted = opts.exactVariants ? maxVariants : 1 + Math.floor(rand() * maxVariants);
    const options = fam.options.map((o, j) => ({ id: id * 10 + j + 1, name: o.name, position: j + 1, values: [] as string[] }));
    const combos = combinations(fam.options.map((o) => o.values)).slice(0, Math.max(1, wanted));
    for (const combo of combos) {
      combo.forEach((v, j) => {
        if (!options[j]!.values.includes(v)) options[j]!.values.push(v);
      });
    }
    const imageCount = 1 + Math.floor(rand() * 3);
    const images: SImage[] = [];
    for (let k = 0; k < imageCount; k++) {
      const imageId = base * 3 + ++imageSeq;
      images.push({ id: imageId, path: `${opts.imagePathPrefix}/${id}-${k + 1}.svg`, altText: k === 0 ? title : `${title}, view ${k + 1}`, width: 800, height: 800 });
    }
    const price = roundPrice(fam.priceRange[0] + rand() * (fam.priceRange[1] - fam.priceRange[0]));
    const updated = new Date(created.getTime() + i * 1000);
    const variants: SVariant[] = combos.map((combo, v) => ({
      id: base * 2 + ++variantSeq,
      productId: id,
      title: combo.join(" / ") || "Default Title",
      sku: `${handle}-${combo.join("-") || "default"}`.toUpperCase().slice(0, 60),
      price: price + (combo[0] === "XL" || combo[0] === "Large" ? 500 : 0),
      compareAtPrice: rand() < 0.2 ? price + 1000 : null,
      position: v + 1,
      selectedOptions: combo.map((value, j) => ({ name: fam.options[j]!.name, value })),
      inventoryItemId: base * 4 + variantSeq,
      tracked: true,
      inventoryQuantity: rand() < 0.1 ? 0 : Math.floor(rand() * 120),
      imageId: images[0]!.id,
      createdAt: created,
      updatedAt: updated,
    }));
    out.push({
      id,
      title,
      handle,
      descriptionHtml: `<p>${escapeHtml(title)}: a ${fam.type.toLowerCase()} gift from ${escapeHtml(pick(BRANDS))}, packed to ship.</p>`,
      productType: fam.type,
      vendor: pick(BRANDS),
      status: rand() < 0.05 ? "DRAFT" : "ACTIVE",
      tags: [...fam.tags.filter(() => rand() < 0.7), ...(rand() < 0.3 ? ["bestseller"] : [])],
      options: options.filter((o) => o.values.length > 0),
      variants,
      images,
      createdAt: created,
      updatedAt: updated,
    });
  }
  return out;
}

/** The demo shop's catalog: 240 gift products with sizes/colours, images and stock. */
export function demoCatalog(imagePathPrefix: string): SProduct[] {
  return generateCatalog({ products: 240, variantsPerProduct: 8, seed: 2026, imagePathPrefix });
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, values) => acc.flatMap((c) => values.map((v) => [...c, v])), [[]]);
}

function roundPrice(minor: number): number {
  // Gift-shop prices: whole units ending in 00 or 50 cents minus a cent, e.g. 34.99 / 35.50.
  return Math.max(500, Math.round(minor / 50) * 50 - (minor % 2 === 0 ? 1 : 0));
}

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "12.50" from 1250 (Shopify's decimal-string money on the wire). */
export function decimal(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** 1250 from "12.5" / "12.50"; throws on anything else. */
export function parseDecimal(s: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(s)}`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  return m[1] ? -minor : minor;
}
