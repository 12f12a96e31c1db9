/** Prints one benchmark figure per line on stdout, as ../shared/BENCH.md describes. */
export interface Figure {
  metric: string;
  value: number;
  unit: string;
  target?: `>= ${number}` | `<= ${number}`;
}

export function report(f: Figure): void {
  // Two decimals, three below 10 (fractions and ratios: a near miss stays visible).
  const places = Math.abs(f.value) < 10 ? 1000 : 100;
  const value = Math.round(f.value * places) / places;
  const line: Record<string, unknown> = { metric: f.metric, value, unit: f.unit };
  if (f.target) {
    const [op, n] = f.target.split(" ") as [string, string];
    line.target = f.target;
    // Judged on the measured value, not the one printed.
    line.ok = op === ">=" ? f.value >= Number(n) : f.value <= Number(n);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
