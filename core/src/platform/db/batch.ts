/**
 * Batches calls across concurrent requests: calls made during one turn of the event loop
 * run together as one `runMany` call (one statement, one round trip, one commit), flushed
 * on `setImmediate`, so a lone request waits for nothing but the current turn. Under load
 * this turns N concurrent statements into a few. Nothing is cached: every call is answered
 * by the batch it ran in.
 */
export interface Batcher<I, O> {
  call(input: I): Promise<O>;
}

export interface BatchOptions<I> {
  /** Largest batch (default 100); more calls in one turn make several batches. */
  maxBatch?: number;
  /**
   * Calls with the same key never share a batch: the later ones wait for the next batch
   * (e.g. two writes to one row, which one statement could not order).
   */
  key?: (input: I) => string;
  /**
   * At most this many batches in flight (default: no limit). While they run, new calls
   * gather into the next batch, which starts when one finishes: for statements that would
   * only wait for each other in the database (one hot row, a saturated CPU), so they queue
   * here, in larger batches, instead of holding connections and competing.
   */
  maxInFlight?: number;
}

/** `runMany` answers its inputs in order, one output each. */
export function batcher<I, O>(runMany: (inputs: I[]) => Promise<O[]>, opts: BatchOptions<I> = {}): Batcher<I, O> {
  const maxBatch = opts.maxBatch ?? 100;
  type Call = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  const maxInFlight = opts.maxInFlight ?? Infinity;
  let pending: Call[] = [];
  let scheduled = false;
  let inFlight = 0;

  const schedule = () => {
    if (scheduled || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  };
  // A batch that finishes starts the next one at once, before its own callers are answered:
  // the calls gathered while it ran are complete, and the database works on them while this
  // process answers the finished batch, instead of waiting for those answers first.
  const finished = () => {
    inFlight--;
    if (pending.length) flush();
  };
  const run = (batch: Call[]) => {
    inFlight++;
    runMany(batch.map((c) => c.input)).finally(finished).then(
      (outputs) => {
        if (outputs.length !== batch.length) {
          const err = new Error(`batch of ${batch.length} answered ${outputs.length}`);
          for (const c of batch) c.reject(err);
          return;
        }
        batch.forEach((c, i) => c.resolve(outputs[i]!));
      },
      (err: unknown) => {
        for (const c of batch) c.reject(err);
      },
    );
  };
  function flush() {
    scheduled = false;
    const room = (maxInFlight - inFlight) * maxBatch;
    let calls = pending.slice(0, room);
    const later = pending.slice(room);
    pending = [];
    if (opts.key) {
      const seen = new Set<string>();
      const now: Call[] = [];
      for (const c of calls) {
        const k = opts.key(c.input);
        if (seen.has(k)) pending.push(c);
        else {
          seen.add(k);
          now.push(c);
        }
      }
      calls = now;
    }
    pending.push(...later);
    for (let i = 0; i < calls.length; i += maxBatch) run(calls.slice(i, i + maxBatch));
    if (pending.length) schedule();
  }

  return {
    call(input) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ input, resolve, reject });
        schedule();
      });
    },
  };
}

/** Lookups by key, batched: `loadMany` gets each distinct key once and returns what it found. */
export interface BatchLoader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export function batchLoader<K, V>(loadMany: (keys: K[]) => Promise<Map<K, V>>, opts: Pick<BatchOptions<K>, "maxBatch" | "maxInFlight"> = {}): BatchLoader<K, V> {
  const b = batcher<K, V | undefined>(async (keys) => {
    const found = await loadMany([...new Set(keys)]);
    return keys.map((k) => found.get(k));
  }, opts);
  return { load: (key) => b.call(key) };
}
