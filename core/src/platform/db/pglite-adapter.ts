import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * pglite-prisma-adapter 0.6 was built against Prisma 6.10's adapter interface. Prisma 6.19
 * sends some arguments in wire form and expects the adapter to convert them by `argTypes`
 * (as @prisma/adapter-pg does): Bytes arrive base64-encoded and DateTime as ISO strings.
 * This shim converts them before they reach PGlite. Everything else passes through.
 */
interface ArgType {
  scalarType: string;
  arity?: string;
}
interface Query {
  sql: string;
  args: unknown[];
  argTypes: ArgType[];
}

function mapArg(arg: unknown, type: ArgType | undefined): unknown {
  if (arg === null || arg === undefined || !type) return arg;
  if (Array.isArray(arg) && type.arity === "list") return arg.map((v) => mapArg(v, type));
  if (type.scalarType === "bytes") {
    if (typeof arg === "string") return new Uint8Array(Buffer.from(arg, "base64"));
    if (Array.isArray(arg)) return new Uint8Array(arg as number[]);
    if (ArrayBuffer.isView(arg)) return new Uint8Array(arg.buffer, arg.byteOffset, arg.byteLength);
  }
  return arg;
}

function fixQuery(q: Query): Query {
  return { ...q, args: q.args.map((a, i) => mapArg(a, q.argTypes?.[i])) };
}

function wrapQueryable<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (q: Query) => value.call(obj, fixQuery(q));
      }
      if (prop === "startTransaction") {
        return async (...args: unknown[]) => wrapQueryable(await value.apply(obj, args));
      }
      return value.bind(obj);
    },
  });
}

export function pgliteAdapter(db: PGlite): SqlDriverAdapterFactory {
  const factory = new PrismaPGlite(db) as unknown as SqlDriverAdapterFactory;
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      return wrapQueryable(await factory.connect());
    },
  };
}
