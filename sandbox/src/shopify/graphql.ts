import {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { decimal, type SImage, type SProduct, type SVariant } from "./catalog.ts";
import { ADMIN_SDL } from "./schema.ts";
import { gid, parseGid, sortedProductIds, type BulkOperation, type ShopState, type WebhookSubscription } from "./state.ts";
import { lineItemView, orderMatcher, orderView, type OrderCreateInput, type OrderCreateOptions, type OrderUserError, type SOrder } from "./orders.ts";

export const schema = buildSchema(ADMIN_SDL);

/** What resolvers reach: the shop, the stand-in's base URL, and the operations with effects. */
export interface GqlContext {
  shop: ShopState;
  baseUrl: string;
  /** True while running a bulk query: connections need no `first` and are not capped. */
  bulk: boolean;
  runBulkQuery(shop: ShopState, query: string): { op?: BulkOperation; userErrors: Array<{ field: string[] | null; message: string; code: string }> };
  cancelBulk(shop: ShopState, id: number): BulkOperation | undefined;
  subscribe(shop: ShopState, topic: string, uri: string): WebhookSubscription;
  bulkUrl(op: BulkOperation): string | null;
  /** orderCreate: creates the order (and emits its webhooks) or answers userErrors. */
  createOrder(shop: ShopState, input: OrderCreateInput, options: OrderCreateOptions | null | undefined): { order?: SOrder; userErrors: OrderUserError[] };
}

type Args = Record<string, unknown>;
const MAX_PAGE = 250;

// ---------------------------------------------------------------- connections

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: String(id) })).toString("base64");
}

function decodeCursor(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (typeof v.last_id === "number") return v.last_id;
  } catch {
    /* fall through */
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function connection<T>(items: readonly T[], idOf: (t: T) => number, args: PageArgs, ctx: GqlContext, view: (t: T) => unknown) {
  const { first, last, after, before } = args;
  if (!ctx.bulk) {
    if (first == null && last == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    if ((first ?? 0) > MAX_PAGE || (last ?? 0) > MAX_PAGE) {
      throw new GraphQLError(`The input for 'first'/'last' must be less than or equal to ${MAX_PAGE}.`, { extensions: { code: "BAD_REQUEST" } });
    }
  }
  let list = args.reverse ? [...items].reverse() : items;
  if (after) {
    const id = decodeCursor(after);
    const i = list.findIndex((t) => idOf(t) === id);
    list = i < 0 ? [] : list.slice(i + 1);
  }
  if (before) {
    const id = decodeCursor(before);
    const i = list.findIndex((t) => idOf(t) === id);
    list = i < 0 ? list : list.slice(0, i);
  }
  const total = list.length;
  if (first != null) list = list.slice(0, Math.max(0, first));
  if (last != null) list = list.slice(Math.max(0, list.length - last));
  const hasNextPage = first != null ? total > list.length : Boolean(before);
  const hasPreviousPage = last != null ? total > list.length : Boolean(after);
  return {
    edges: () => list.map((t) => ({ cursor: encodeCursor(idOf(t)), node: view(t) })),
    nodes: () => list.map(view),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: list.length ? encodeCursor(idOf(list[0]!)) : null,
      endCursor: list.length ? encodeCursor(idOf(list[list.length - 1]!)) : null,
    },
  };
}

// ---------------------------------------------------------------- views

function imageView(img: SImage, ctx: GqlContext) {
  return {
    __typename: "Image",
    id: gid("ProductImage", img.id),
    url: () => `${ctx.baseUrl}${img.path}`,
    altText: img.altText,
    width: img.width,
    height: img.height,
  };
}

function mediaView(img: SImage, ctx: GqlContext) {
  return { __typename: "MediaImage", id: gid("MediaImage", img.id), alt: img.altText, mediaContentType: "IMAGE", image: imageView(img, ctx) };
}

function inventoryLevelView(shop: ShopState, v: SVariant) {
  const updatedAt = v.updatedAt.toISOString();
  return {
    __typename: "InventoryLevel",
    id: `gid://shopify/InventoryLevel/${shop.locationId}?inventory_item_id=${v.inventoryItemId}`,
    location: { __typename: "Location", id: gid("Location", shop.locationId), name: "Main warehouse" },
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => ({ name, quantity: ["available", "on_hand"].includes(name) ? v.inventoryQuantity : 0, updatedAt })),
    updatedAt,
  };
}

function inventoryItemView(shop: ShopState, p: SProduct, v: SVariant, ctx: GqlContext) {
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", v.inventoryItemId),
    sku: v.sku,
    tracked: v.tracked,
    variant: () => variantView(shop, p, v, ctx),
    inventoryLevels: (args: PageArgs) => connection([v], () => shop.locationId, args, ctx, (x) => inventoryLevelView(shop, x)),
  };
}

function variantView(shop: ShopState, p: SProduct, v: SVariant, ctx: GqlContext) {
  const image = p.images.find((i) => i.id === v.imageId);
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    title: v.title,
    displayName: `${p.title} - ${v.title}`,
    sku: v.sku,
    barcode: null,
    price: decimal(v.price),
    compareAtPrice: v.compareAtPrice === null ? null : decimal(v.compareAtPrice),
    position: v.position,
    availableForSale: p.status === "ACTIVE" && (!v.tracked || v.inventoryQuantity > 0),
    selectedOptions: v.selectedOptions,
    inventoryQuantity: v.inventoryQuantity,
    inventoryItem: () => inventoryItemView(shop, p, v, ctx),
    image: () => (image ? imageView(image, ctx) : null),
    product: () => productView(shop, p, ctx),
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

export function productView(shop: ShopState, p: SProduct, ctx: GqlContext) {
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    title: p.title,
    handle: p.handle,
    descriptionHtml: p.descriptionHtml,
    productType: p.productType,
    vendor: p.vendor,
    status: p.status,
    tags: p.tags,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    totalInventory: () => p.variants.reduce((n, v) => n + v.inventoryQuantity, 0),
    tracksInventory: true,
    options: ({ first }: { first?: number | null }) =>
      p.options.slice(0, first ?? undefined).map((o) => ({
        __typename: "ProductOption",
        id: gid("ProductOption", o.id),
        name: o.name,
        position: o.position,
        values: o.values,
        optionValues: o.values.map((name, i) => ({ id: gid("ProductOptionValue", o.id * 100 + i), name, hasVariants: true })),
      })),
    variants: (args: PageArgs) => connection(p.variants, (v) => v.id, args, ctx, (v) => variantView(shop, p, v, ctx)),
    variantsCount: () => ({ count: p.variants.length, precision: "EXACT" }),
    images: (args: PageArgs) => connection(p.images, (i) => i.id, args, ctx, (i) => imageView(i, ctx)),
    media: (args: PageArgs) => connection(p.images, (i) => i.id, args, ctx, (i) => mediaView(i, ctx)),
    featuredImage: () => (p.images[0] ? imageView(p.images[0], ctx) : null),
    featuredMedia: () => (p.images[0] ? mediaView(p.images[0], ctx) : null),
  };
}

function bulkView(op: BulkOperation, ctx: GqlContext) {
  const url = op.status === "COMPLETED" ? ctx.bulkUrl(op) : null;
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", op.id),
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt.toISOString(),
    completedAt: op.completedAt?.toISOString() ?? null,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.file ? String(op.fileSize) : null,
    url,
    partialDataUrl: null,
    query: op.query,
    type: "QUERY",
  };
}

function subscriptionView(s: WebhookSubscription) {
  return {
    __typename: "WebhookSubscription",
    id: gid("WebhookSubscription", s.id),
    topic: s.topic,
    uri: s.uri,
    format: "JSON",
    endpoint: { __typename: "WebhookHttpEndpoint", callbackUrl: s.uri },
    createdAt: s.createdAt.toISOString(),
  };
}

// ---------------------------------------------------------------- search syntax

/** A small part of Shopify's search syntax: `field:value`, `field:>value`, free text, AND by juxtaposition. */
export function productMatcher(query: string | null | undefined): (p: SProduct) => boolean {
  if (!query?.trim()) return () => true;
  const terms = query.match(/(\w+:(?:[<>]=?)?(?:'[^']*'|"[^"]*"|\S+))|("[^"]*"|\S+)/g) ?? [];
  const tests = terms
    .filter((t) => t.toUpperCase() !== "AND")
    .map((term): ((p: SProduct) => boolean) => {
      const m = /^(\w+):([<>]=?)?(.*)$/.exec(term);
      if (!m) {
        const text = term.replace(/^"|"$/g, "").toLowerCase();
        return (p) => p.title.toLowerCase().includes(text);
      }
      const [, field, op, rawValue] = m;
      const value = rawValue!.replace(/^['"]|['"]$/g, "");
      const cmp = (a: number, b: number) => (op === ">" ? a > b : op === ">=" ? a >= b : op === "<" ? a < b : op === "<=" ? a <= b : a === b);
      switch (field) {
        case "title":
          return (p) => p.title.toLowerCase().includes(value.toLowerCase());
        case "product_type":
          return (p) => p.productType.toLowerCase() === value.toLowerCase();
        case "vendor":
          return (p) => p.vendor.toLowerCase() === value.toLowerCase();
        case "status":
          return (p) => value.toUpperCase().split(",").includes(p.status);
        case "tag":
          return (p) => p.tags.includes(value);
        case "id":
          return (p) => cmp(p.id, Number(value));
        case "updated_at":
          return (p) => cmp(p.updatedAt.getTime(), Date.parse(value));
        case "created_at":
          return (p) => cmp(p.createdAt.getTime(), Date.parse(value));
        default:
          return () => true; // Shopify ignores unknown fields in search queries too
      }
    });
  return (p) => tests.every((t) => t(p));
}

// ---------------------------------------------------------------- root resolvers, by resource

function findVariant(shop: ShopState, id: number): [SProduct, SVariant] | undefined {
  for (const p of shop.products.values()) {
    const v = p.variants.find((x) => x.id === id);
    if (v) return [p, v];
  }
  return undefined;
}

/** The id's numeric part when the gid is of `type`. */
function idOfType(id: string, type: string): number | undefined {
  const parsed = parseGid(id);
  return parsed?.[0] === type ? parsed[1] : undefined;
}

function shopView(shop: ShopState) {
  return {
    __typename: "Shop",
    id: gid("Shop", shop.id),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    currencyCode: shop.currency,
    ianaTimezone: "America/New_York",
    primaryDomain: { host: shop.domain, url: `https://${shop.domain}` },
    plan: { displayName: "Development", partnerDevelopment: true, shopifyPlus: false },
  };
}

/** An order with its line items (a connection, each with its variant). */
function fullOrderView(o: SOrder, ctx: GqlContext) {
  return {
    ...orderView(o),
    lineItems: (args: PageArgs) =>
      connection(o.lineItems, (li) => li.id, args, ctx, (li) => {
        const hit = findVariant(ctx.shop, li.variantId);
        return { ...lineItemView(li, o.currency), variant: () => (hit ? variantView(ctx.shop, hit[0], hit[1], ctx) : null) };
      }),
  };
}

/** node(id:): any object of the shop by its gid, null when there is none. */
function nodeById(ctx: GqlContext, id: string): unknown {
  const { shop } = ctx;
  const parsed = parseGid(id);
  if (!parsed) throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "BAD_REQUEST" } });
  const [type, n] = parsed;
  switch (type) {
    case "Product": {
      const p = shop.products.get(n);
      return p ? productView(shop, p, ctx) : null;
    }
    case "ProductVariant": {
      const hit = findVariant(shop, n);
      return hit ? variantView(shop, hit[0], hit[1], ctx) : null;
    }
    case "InventoryItem": {
      const v = shop.byInventoryItem.get(n);
      const p = v && shop.products.get(v.productId);
      return v && p ? inventoryItemView(shop, p, v, ctx) : null;
    }
    case "BulkOperation": {
      const op = shop.bulkOps.get(n);
      return op ? bulkView(op, ctx) : null;
    }
    case "Location":
      return n === shop.locationId ? { __typename: "Location", id, name: "Main warehouse" } : null;
    case "Shop":
      return n === shop.id ? shopView(shop) : null;
    case "Order": {
      const o = shop.orders.get(n);
      return o ? fullOrderView(o, ctx) : null;
    }
    default:
      return null;
  }
}

/** products(query:, sortKey:) before paging. */
function productsList(shop: ShopState, args: Args): SProduct[] {
  const match = productMatcher(args.query as string | undefined);
  const ids = sortedProductIds(shop);
  let list = ids.map((id) => shop.products.get(id)!).filter(match);
  const key = args.sortKey as string | undefined;
  if (key === "TITLE") list = [...list].sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id);
  else if (key === "UPDATED_AT") list = [...list].sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || a.id - b.id);
  return list;
}

function catalogResolvers(ctx: GqlContext) {
  const { shop } = ctx;
  return {
    product: ({ id }: { id: string }) => {
      const n = idOfType(id, "Product");
      const p = n !== undefined ? shop.products.get(n) : undefined;
      return p ? productView(shop, p, ctx) : null;
    },
    products: (args: Args) => connection(productsList(shop, args), (p) => p.id, args as PageArgs, ctx, (p) => productView(shop, p, ctx)),
    productsCount: (args: Args) => ({ count: productsList(shop, args).length, precision: "EXACT" }),
    productVariant: ({ id }: { id: string }) => {
      const n = idOfType(id, "ProductVariant");
      const hit = n !== undefined ? findVariant(shop, n) : undefined;
      return hit ? variantView(shop, hit[0], hit[1], ctx) : null;
    },
    productVariants: (args: Args) => {
      const pairs = sortedProductIds(shop).flatMap((id) => shop.products.get(id)!.variants.map((v) => [shop.products.get(id)!, v] as const));
      return connection(pairs, (x) => x[1].id, args as PageArgs, ctx, ([p, v]) => variantView(shop, p, v, ctx));
    },
    inventoryItem: ({ id }: { id: string }) => nodeById(ctx, id),
    location: () => ({ __typename: "Location", id: gid("Location", shop.locationId), name: "Main warehouse" }),
  };
}

function orderResolvers(ctx: GqlContext) {
  const { shop } = ctx;
  return {
    order: ({ id }: { id: string }) => {
      const n = idOfType(id, "Order");
      const o = n !== undefined ? shop.orders.get(n) : undefined;
      return o ? fullOrderView(o, ctx) : null;
    },
    orders: (args: Args) => {
      const match = orderMatcher(args.query as string | undefined);
      const list = [...shop.orders.values()].filter(match).sort((a, b) => a.id - b.id);
      return connection(list, (o) => o.id, args as PageArgs, ctx, (o) => fullOrderView(o, ctx));
    },
    orderCreate: (args: { order: OrderCreateInput; options?: OrderCreateOptions | null }) => {
      const r = ctx.createOrder(shop, args.order, args.options);
      return { order: r.order ? fullOrderView(r.order, ctx) : null, userErrors: r.userErrors };
    },
  };
}

function bulkOperationResolvers(ctx: GqlContext) {
  const { shop } = ctx;
  return {
    currentBulkOperation: () => {
      const ops = [...shop.bulkOps.values()];
      const op = ops[ops.length - 1];
      return op ? bulkView(op, ctx) : null;
    },
    bulkOperation: ({ id }: { id: string }) => {
      const n = idOfType(id, "BulkOperation");
      const op = n !== undefined ? shop.bulkOps.get(n) : undefined;
      return op ? bulkView(op, ctx) : null;
    },
    bulkOperationRunQuery: ({ query }: { query: string }) => {
      const r = ctx.runBulkQuery(shop, query);
      return { bulkOperation: r.op ? bulkView(r.op, ctx) : null, userErrors: r.userErrors };
    },
    bulkOperationCancel: ({ id }: { id: string }) => {
      const n = idOfType(id, "BulkOperation");
      const op = n !== undefined ? ctx.cancelBulk(shop, n) : undefined;
      return op
        ? { bulkOperation: bulkView(op, ctx), userErrors: [] }
        : { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    },
  };
}

function webhookResolvers(ctx: GqlContext) {
  const { shop } = ctx;
  return {
    webhookSubscriptions: (args: Args) => connection(shop.subscriptions, (s) => s.id, args as PageArgs, ctx, subscriptionView),
    webhookSubscriptionCreate: (args: { topic: string; webhookSubscription: { uri?: string; callbackUrl?: string } }) => {
      const uri = args.webhookSubscription.uri ?? args.webhookSubscription.callbackUrl;
      if (!uri || !/^https?:\/\//.test(uri)) {
        return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address is invalid" }] };
      }
      const topic = args.topic.toLowerCase().replace("_", "/");
      if (shop.subscriptions.some((s) => s.topic === topic && s.uri === uri)) {
        return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address for this topic has already been taken" }] };
      }
      return { webhookSubscription: subscriptionView(ctx.subscribe(shop, topic, uri)), userErrors: [] };
    },
  };
}

/** The root query and mutation fields of one shop's request. */
function rootValue(ctx: GqlContext) {
  return {
    shop: () => shopView(ctx.shop),
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(ctx, id)),
    ...catalogResolvers(ctx),
    ...orderResolvers(ctx),
    ...bulkOperationResolvers(ctx),
    ...webhookResolvers(ctx),
  };
}

/** Resolvers on view objects are plain properties or functions of the field's arguments. */
function fieldResolver(source: unknown, args: Args, ctx: unknown, info: { fieldName: string }): unknown {
  const value = (source as Record<string, unknown> | null)?.[info.fieldName];
  return typeof value === "function" ? (value as (a: Args, c: unknown) => unknown)(args, ctx) : value;
}

function typeResolver(value: unknown): string | undefined {
  return (value as { __typename?: string }).__typename;
}

// ---------------------------------------------------------------- cost

export const SINGLE_QUERY_MAX_COST = 1000;

interface CostInput {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argNumber(field: FieldNode, name: string, input: CostInput): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const v = valueFromASTUntyped(arg.value, input.variables);
  return typeof v === "number" ? v : undefined;
}

function fieldsOf(type: GraphQLCompositeType, sel: SelectionSetNode, input: CostInput): Array<[FieldNode, GraphQLCompositeType]> {
  const out: Array<[FieldNode, GraphQLCompositeType]> = [];
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) out.push([s, type]);
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      const t = s.typeCondition ? (schema.getType(s.typeCondition.name.value) as GraphQLCompositeType) : type;
      out.push(...fieldsOf(t, s.selectionSet, input));
    } else {
      const frag = input.fragments[s.name.value];
      if (frag) out.push(...fieldsOf(schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType, frag.selectionSet, input));
    }
  }
  return out;
}

function fieldType(parent: GraphQLCompositeType, name: string): GraphQLOutputType | undefined {
  if (name.startsWith("__")) return undefined;
  if (isAbstractType(parent) && !("getFields" in parent)) return undefined; // unions: fields come through fragments
  return (parent as GraphQLObjectType).getFields()[name]?.type;
}

/**
 * Shopify's query cost: scalars and enums 0, objects 1, connections 2 plus `first`/`last`
 * times the cost of one node; with `data`, the actual cost of what was returned.
 */
function selectionCost(parent: GraphQLCompositeType, sel: SelectionSetNode, input: CostInput, data: unknown): number {
  let total = 0;
  for (const [field, owner] of fieldsOf(parent, sel, input)) {
    const t = fieldType(owner, field.name.value);
    if (!t || !field.selectionSet) continue;
    const named = getNamedType(t);
    if (isLeafType(named)) continue;
    const key = field.alias?.value ?? field.name.value;
    const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[key];
    if (data !== undefined && value == null) continue;
    if (named.name.endsWith("Connection") && isObjectType(named)) {
      const nodeType = getNamedType(named.getFields().nodes!.type) as GraphQLCompositeType;
      const perNode: Array<[SelectionSetNode, "nodes" | "edges"]> = [];
      for (const [f] of fieldsOf(named, field.selectionSet, input)) {
        if (f.name.value === "nodes" && f.selectionSet) perNode.push([f.selectionSet, "nodes"]);
        if (f.name.value === "edges" && f.selectionSet) {
          for (const [g] of fieldsOf(getNamedType(named.getFields().edges!.type) as GraphQLCompositeType, f.selectionSet, input)) {
            if (g.name.value === "node" && g.selectionSet) perNode.push([g.selectionSet, "edges"]);
          }
        }
      }
      if (data === undefined) {
        const n = argNumber(field, "first", input) ?? argNumber(field, "last", input) ?? 1;
        total += 2 + n * perNode.reduce((c, [s]) => c + 1 + selectionCost(nodeType, s, input, undefined), 0);
      } else {
        const conn = value as { nodes?: unknown[]; edges?: Array<{ node: unknown }> };
        let c = 2;
        for (const [s, via] of perNode) {
          const nodes = via === "nodes" ? (conn.nodes ?? []) : (conn.edges ?? []).map((e) => e.node);
          for (const node of nodes) c += 1 + selectionCost(nodeType, s, input, node);
        }
        total += c;
      }
      continue;
    }
    const composite = named as GraphQLCompositeType;
    const inner = isNonNullType(t) ? t.ofType : t;
    if (isListType(inner) && data !== undefined && Array.isArray(value)) {
      for (const item of value) total += 1 + selectionCost(composite, field.selectionSet, input, item);
    } else {
      total += 1 + selectionCost(composite, field.selectionSet, input, value);
    }
  }
  return total;
}

export function operationCost(doc: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown>, data?: unknown): number {
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const input = { fragments, variables };
  if (op.operation === "mutation") return 10 * op.selectionSet.selections.length;
  return Math.max(1, selectionCost(schema.getQueryType()!, op.selectionSet, input, data));
}

// ---------------------------------------------------------------- execution

export interface Prepared {
  doc: DocumentNode;
  op: OperationDefinitionNode;
  variables: Record<string, unknown>;
  requestedCost: number;
}

export type PrepareResult = { ok: true; prepared: Prepared } | { ok: false; errors: unknown[] };

/** Parses and validates a request; the cost is known before anything runs. */
export function prepare(query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined): PrepareResult {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return { ok: false, errors: [formatError(e as GraphQLError)] };
  }
  const errors = validate(schema, doc);
  if (errors.length) return { ok: false, errors: errors.map(formatError) };
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) return { ok: false, errors: [{ message: operationName ? `No operation named "${operationName}"` : "An operation name is required" }] };
  const vars = variables ?? {};
  return { ok: true, prepared: { doc, op, variables: vars, requestedCost: operationCost(doc, op, vars) } };
}

export async function run(p: Prepared, ctx: GqlContext): Promise<{ data?: unknown; errors?: unknown[] }> {
  const result = await execute({
    schema,
    document: p.doc,
    rootValue: rootValue(ctx),
    contextValue: ctx,
    variableValues: p.variables,
    operationName: p.op.name?.value,
    fieldResolver,
    typeResolver,
  });
  return { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors ? { errors: result.errors.map(formatError) } : {}) };
}

function formatError(e: GraphQLError): Record<string, unknown> {
  return {
    message: e.message,
    ...(e.locations ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    extensions: { code: (e.extensions?.code as string | undefined) ?? (e.path ? "INTERNAL_SERVER_ERROR" : "GRAPHQL_VALIDATION_FAILED"), ...e.extensions },
  };
}
