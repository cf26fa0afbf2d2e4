import { useId } from "react";

export interface MeterProps {
  label: string;
  /** Used amount in the meter's unit; the bar is value / max. */
  value: number;
  max: number;
  /** The figures in words, e.g. "3.1 GiB of 7.8 GiB". */
  figures: string;
  /** Past this share the bar turns to the warning colour (the figure stays the signal, not the colour alone). */
  warnAt?: number;
}

/** A labelled bar with its figures written out beside it (role meter, so a screen reader reads the same figures). */
export function Meter({ label, value, max, figures, warnAt = 0.85 }: MeterProps) {
  const id = useId();
  const share = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const pct = Math.round(share * 100);
  return (
    <div className="meter">
      <div className="meter-head">
        <span id={`${id}-l`} className="meter-label">
          {label}
        </span>
        <span className="meter-figures" data-testid="meter-figures">
          {figures} <span className="muted">({pct}%)</span>
        </span>
      </div>
      <div
        className={`meter-track${share >= warnAt ? " meter-warn" : ""}`}
        role="meter"
        aria-labelledby={`${id}-l`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${figures} (${pct}%)`}
      >
        <div className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
