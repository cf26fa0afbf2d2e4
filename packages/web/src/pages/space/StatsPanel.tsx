import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { statsQuery } from "../../api/queries/observe";
import { bytes } from "../../components/format";
import { LineChart } from "../../components/LineChart";
import { Empty, ErrorBox } from "../../components/States";

const WINDOW_MS = 5 * 60_000;

export default function StatsPanel({ space, running }: { space: string; running: boolean }) {
  // Stats of a paused space would wake nothing but read zeros: only poll while it runs.
  const stats = useQuery({ ...statsQuery(space), refetchInterval: 3000, enabled: running });
  const [series, setSeries] = useState<Array<{ t: number; cpu: number; mem: number; limit: number }>>([]);
  useEffect(() => {
    const s = stats.data;
    if (!s) return;
    const now = Date.now();
    setSeries((prev) => [...prev.filter((p) => now - p.t < WINDOW_MS), { t: now, cpu: s.cpuPercent, mem: s.memoryUsageBytes, limit: s.memoryLimitBytes }]);
  }, [stats.data, stats.dataUpdatedAt]);
  if (!running) return <Empty>The space is not running: resume it to see live figures.</Empty>;
  if (stats.isError) return <ErrorBox error={stats.error} />;
  const cpus = navigator.hardwareConcurrency || 1;
  return (
    <div className="stats">
      <LineChart label="CPU" points={series.map((p) => ({ t: p.t, v: p.cpu }))} max={Math.max(100, ...series.map((p) => p.cpu), 100 * Math.min(cpus, 1))} format={(v) => `${v.toFixed(1)}%`} />
      <LineChart label="Memory" points={series.map((p) => ({ t: p.t, v: p.mem }))} max={series[series.length - 1]?.limit ?? 1} format={bytes} />
      {stats.data && <p className="muted small">{stats.data.pids} processes</p>}
    </div>
  );
}
