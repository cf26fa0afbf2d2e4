/** A small SVG line chart: enough for a few minutes of samples, no chart library. */
export function LineChart({ points, max, label, format }: { points: Array<{ t: number; v: number }>; max: number; label: string; format: (v: number) => string }) {
  const W = 600;
  const H = 140;
  const last = points[points.length - 1];
  // Until five minutes of samples exist, the ones there are fill the width.
  const t0 = last ? Math.max(points[0]!.t, last.t - 5 * 60_000) : 0;
  const span = Math.max(1, (last?.t ?? 0) - t0);
  const x = (t: number) => ((t - t0) / span) * W;
  const y = (v: number) => H - (Math.min(v, max) / (max || 1)) * (H - 4) - 2;
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join("");
  return (
    <figure className="chart">
      <figcaption>
        {label} <strong>{last ? format(last.v) : "–"}</strong> <span className="muted small">of {format(max)}, up to the last 5 minutes</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label} over the last 5 minutes`}>
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} x1={0} x2={W} y1={H * f} y2={H * f} className="grid-line" />
        ))}
        {points.length > 1 && <path d={`${d}L${x(last!.t)},${H}L${x(points[0]!.t)},${H}Z`} className="area" />}
        {points.length > 1 && <path d={d} className="line" vectorEffect="non-scaling-stroke" />}
      </svg>
    </figure>
  );
}
