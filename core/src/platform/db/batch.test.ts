import { describe, expect, it } from "vitest";
import { batcher, batchLoader } from "./batch.ts";

describe("batchLoader", () => {
  it("loads keys asked for in one turn together, each caller getting its own value", async () => {
    const calls: number[][] = [];
    const loader = batchLoader(async (keys: number[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 3).map((k) => [k, k * 10]));
    });
    const got = await Promise.all([1, 2, 3, 2].map((k) => loader.load(k)));
    expect(got).toEqual([10, 20, undefined, 20]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(await loader.load(4)).toBe(40);
    expect(calls).toHaveLength(2);
  });

  it("splits large batches and passes a failure to every caller of its batch", async () => {
    const sizes: number[] = [];
    const loader = batchLoader(
      async (keys: number[]) => {
        sizes.push(keys.length);
        if (keys.includes(7)) throw new Error("boom");
        return new Map(keys.map((k) => [k, k]));
      },
      { maxBatch: 5 },
    );
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => loader.load(i)));
    expect(sizes).toEqual([5, 5, 2]);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(5);
    expect(results[0]).toEqual({ status: "fulfilled", value: 0 });
  });
});

describe("batcher", () => {
  it("keeps calls with the same key out of one batch, in order", async () => {
    const batches: string[][] = [];
    const b = batcher(
      async (inputs: Array<{ id: string; n: number }>) => {
        batches.push(inputs.map((i) => `${i.id}${i.n}`));
        return inputs.map((i) => i.n);
      },
      { key: (i) => i.id },
    );
    const out = await Promise.all([b.call({ id: "a", n: 1 }), b.call({ id: "b", n: 2 }), b.call({ id: "a", n: 3 }), b.call({ id: "a", n: 4 })]);
    expect(out).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([["a1", "b2"], ["a3"], ["a4"]]);
  });

  it("with maxInFlight, gathers calls made while batches run into the next batch", async () => {
    const batches: number[][] = [];
    let running = 0;
    let mostRunning = 0;
    const b = batcher(
      async (inputs: number[]) => {
        batches.push(inputs);
        mostRunning = Math.max(mostRunning, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return inputs.map((i) => i * 10);
      },
      { maxInFlight: 1, maxBatch: 3 },
    );
    const first = [b.call(1), b.call(2), b.call(3), b.call(4)]; // one turn: a batch of 3 runs, 4 waits
    await new Promise((r) => setTimeout(r, 5));
    const second = [b.call(5), b.call(6)]; // made while the first batch runs
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(mostRunning).toBe(1);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it("with maxInFlight, starts the waiting batch before answering the finished one's callers", async () => {
    const events: string[] = [];
    const release: Array<() => void> = [];
    const b = batcher(
      async (inputs: number[]) => {
        events.push(`run ${inputs.join(",")}`);
        await new Promise<void>((r) => release.push(r));
        return inputs;
      },
      { maxInFlight: 1 },
    );
    const first = b.call(1).then(() => events.push("answered 1"));
    await new Promise((r) => setImmediate(r));
    const second = b.call(2).then(() => events.push("answered 2"));
    release.shift()!();
    await first;
    // The second batch was sent while the first's caller had not yet been answered.
    expect(events).toEqual(["run 1", "run 2", "answered 1"]);
    release.shift()!();
    await second;
    expect(events.at(-1)).toBe("answered 2");
  });

  it("with maxInFlight, a failed batch lets the next one run", async () => {
    const b = batcher(
      async (inputs: number[]) => {
        if (inputs.includes(1)) throw new Error("boom");
        return inputs;
      },
      { maxInFlight: 1 },
    );
    const failed = b.call(1);
    const next = b.call(2);
    await expect(failed).rejects.toThrow("boom");
    await expect(next).rejects.toThrow("boom"); // same turn, same batch
    await expect(b.call(3)).resolves.toBe(3);
  });

  it("fails every call of a batch that answers the wrong number of outputs", async () => {
    const b = batcher(async (inputs: number[]) => inputs.slice(1));
    const results = await Promise.allSettled([b.call(1), b.call(2)]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
  });
});
