/** Inline SVG icons: they draw the same everywhere, with no emoji font or icon font to load. */
const PATHS = {
  folder: "M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l1.8 2h7A1.5 1.5 0 0 1 19 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 3 17.5z",
  file: "M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM14 3v4h4",
  link: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  upload: "M12 16V4M7 9l5-5 5 5M5 20h14",
  up: "M12 19V5M6 11l6-6 6 6",
  close: "M6 6l12 12M18 6L6 18",
} as const;

export type IconName = keyof typeof PATHS;

/** Decorative by default (the text beside it says what it is); pass `label` when it stands alone. */
export function Icon({ name, label }: { name: IconName; label?: string }) {
  return (
    <svg className={`icon icon-${name}`} viewBox="0 0 24 24" width="16" height="16" role={label ? "img" : undefined} aria-label={label} aria-hidden={label ? undefined : true} focusable="false">
      <path d={PATHS[name]} fill={name === "folder" ? "currentColor" : "none"} stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
