export interface Summary {
  n: number;
  median: number;
  p90: number;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { n: s.length, median: at(0.5), p90: at(0.9) };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export interface Row {
  case: string;
  ours: Summary;
  baseline: Summary;
  baselineName: string;
  extra?: string;
}

export function printTable(title: string, rows: Row[]): void {
  const fmt = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\n## ${title}`);
  console.log("| case | n | ours median ms | ours p90 ms | baseline | base median ms | base p90 ms | ratio (median) | ratio (p90) | note |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.case} | ${r.ours.n} | ${fmt(r.ours.median)} | ${fmt(r.ours.p90)} | ${r.baselineName} | ${fmt(r.baseline.median)} | ${fmt(r.baseline.p90)} | ${(r.ours.median / r.baseline.median).toFixed(3)}x | ${(r.ours.p90 / r.baseline.p90).toFixed(3)}x | ${r.extra ?? ""} |`,
    );
  }
}
