/**
 * The stand-in's shops on disk, so a sandbox restart (`npm start` again on the same DATA_DIR)
 * finds the shop the app was installed on as it left it: its catalog, its access tokens
 * (the app's stored offline token keeps working), its webhook subscriptions and the orders
 * the app created. Bulk operations, cost buckets and fault settings are per run.
 *
 * Written as JSON (Maps and Dates tagged), atomically (a temporary file renamed over the
 * last), a moment after the last change, and at once on close or process exit.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ShopState } from "./state.ts";

const VERSION = 1;
type Persisted = Omit<ShopState, "bulkOps" | "bucket" | "corruptNextBulk" | "byInventoryItem" | "sorted">;

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { $date: raw.toISOString() };
  if (raw instanceof Map) return { $map: [...raw.entries()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as { $date?: string; $map?: Array<[unknown, unknown]> };
    if (typeof v.$date === "string") return new Date(v.$date);
    if (Array.isArray(v.$map)) return new Map(v.$map);
  }
  return value;
}

export function serializeShops(shops: Iterable<ShopState>): string {
  const out: Persisted[] = [...shops].map((s) => ({
    domain: s.domain,
    name: s.name,
    email: s.email,
    currency: s.currency,
    id: s.id,
    locationId: s.locationId,
    products: s.products,
    subscriptions: s.subscriptions,
    tokens: s.tokens,
    orders: s.orders,
    nextOrderNumber: s.nextOrderNumber,
  }));
  return JSON.stringify({ version: VERSION, shops: out }, replacer);
}

/** The shops of a state file, ready to index (`indexShop`); [] when the file is of another version. */
export function deserializeShops(text: string, throttleAvailable: number): ShopState[] {
  const parsed = JSON.parse(text, reviver) as { version?: number; shops?: Persisted[] };
  if (parsed.version !== VERSION || !Array.isArray(parsed.shops)) return [];
  return parsed.shops.map((s) => ({
    ...s,
    bulkOps: new Map(),
    bucket: { available: throttleAvailable, at: Date.now() },
    corruptNextBulk: [],
    byInventoryItem: new Map(),
    sorted: null,
  }));
}

/** The largest numeric id among the shops' orders, line items and fulfillments (new ones must go above it). */
export function largestOrderId(shops: Iterable<ShopState>): number {
  let max = 0;
  for (const s of shops) {
    for (const o of s.orders.values()) {
      max = Math.max(max, o.id, ...o.lineItems.map((l) => l.id), ...o.fulfillments.map((f) => f.id));
    }
  }
  return max;
}

/** Debounced, atomic writes of a snapshot to `file`. */
export class StateFile {
  #timer: NodeJS.Timeout | null = null;
  #dirty = false;
  readonly #onExit = () => this.flush();

  constructor(
    readonly file: string,
    private readonly snapshot: () => string,
    private readonly delayMs = 200,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    process.once("exit", this.#onExit);
  }

  read(): string | undefined {
    return existsSync(this.file) ? readFileSync(this.file, "utf8") : undefined;
  }

  changed(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.delayMs);
    this.#timer.unref();
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#dirty) return;
    this.#dirty = false;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.snapshot(), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  close(): void {
    this.flush();
    process.off("exit", this.#onExit);
  }
}
