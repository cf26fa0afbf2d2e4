import type { SpaceLoad } from "@clawdspace/shared";
import { bytes } from "../../components/format";
import { Sparkline, trendLabel } from "../../components/Sparkline";

/** "12.5 %" of one CPU, or a dash until the server has two reads. */
export function cpuText(pct: number | null | undefined): string {
  return pct === null || pct === undefined ? "–" : `${pct < 10 ? pct.toFixed(1) : Math.round(pct)} %`;
}

/** A running space's CPU and memory now, and its CPU over the last minutes. */
export function SpaceLoadFact({ load, stepMs }: { load: SpaceLoad | undefined; stepMs: number }) {
  if (!load) return <dd className="muted">measuring…</dd>;
  const mem = load.memoryLimitBytes > 0 ? `${bytes(load.memoryUsageBytes)} of ${bytes(load.memoryLimitBytes)}` : bytes(load.memoryUsageBytes);
  return (
    <dd className="load">
      <span className="load-figures">
        <span data-testid="cpu">
          <span className="sr-only">CPU </span>
          {cpuText(load.cpuPercent)}
        </span>
        <span className="muted"> · </span>
        <span data-testid="mem">
          <span className="sr-only">memory </span>
          {mem}
        </span>
      </span>
      <Sparkline points={load.trend} label={trendLabel("CPU", load.trend, stepMs)} />
    </dd>
  );
}
