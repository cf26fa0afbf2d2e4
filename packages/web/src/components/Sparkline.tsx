/**
 * A small trend line of the last points (oldest first), scaled to at least `floor` so an idle
 * space's noise does not fill the box. The words in its label are what it shows.
 */
export function Sparkline({ points, label, floor = 100, width = 96, height = 24 }: { points: number[]; label: string; floor?: number; width?: number; height?: number }) {
  const max = Math.max(floor, ...points);
  const step = points.length > 1 ? width / (points.length - 1) : width;
  // Two units of room at the top and bottom, so a flat line at 0 or at the peak stays visible on its box.
  const y = (v: number) => (height - 2 - (Math.max(0, v) / max) * (height - 4)).toFixed(1);
  const d = points.map((v, i) => `${i ? "L" : "M"}${(i * step).toFixed(1)} ${y(v)}`).join(" ");
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label} preserveAspectRatio="none">
      <line x1="0" x2={width} y1={height - 1} y2={height - 1} className="spark-base" />
      {points.length > 1 && <path d={d} className="spark-line" />}
      {points.length === 1 && <circle cx={width - 2} cy={y(points[0]!)} r="1.5" className="spark-dot" />}
    </svg>
  );
}

/** "CPU over the last 3 min: 2 to 95 %" (or that there is nothing yet). */
export function trendLabel(what: string, points: number[], stepMs: number): string {
  if (points.length === 0) return `${what}: no trend yet`;
  const minutes = Math.max(1, Math.round((points.length * stepMs) / 60_000));
  const lo = Math.round(Math.min(...points));
  const hi = Math.round(Math.max(...points));
  return `${what} over the last ${minutes} min: ${lo === hi ? `${lo} %` : `${lo} to ${hi} %`}`;
}
