import { useEffect, useId, useRef, type ReactNode } from "react";

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: focus moves into it (to the `autoFocus` control, else its first one), Tab and Shift+Tab
 * stay inside, Escape closes it, and focus goes back to what had it before (the opener).
 */
export function Dialog(p: { title: ReactNode; children: ReactNode; onClose: () => void; alert?: boolean }) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(p.onClose);
  close.current = p.onClose;
  // Read at the first render, before React's autoFocus moves focus into the dialog.
  const openerRef = useRef<HTMLElement | null>(null);
  openerRef.current ??= document.activeElement as HTMLElement | null;
  useEffect(() => {
    const opener = openerRef.current;
    const el = box.current;
    if (el && !el.contains(document.activeElement)) (el.querySelector<HTMLElement>(FOCUSABLE) ?? el).focus();
    return () => {
      // The opener may be gone (a destroyed space's row): then focus stays where the page puts it.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close.current();
      return;
    }
    if (e.key !== "Tab" || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === box.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="dialog-backdrop" onKeyDown={onKeyDown} onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div ref={box} className="dialog card" role={p.alert ? "alertdialog" : "dialog"} aria-modal="true" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} tabIndex={-1}>
        <h2 id={`${id}-t`}>{p.title}</h2>
        <div id={`${id}-d`}>{p.children}</div>
      </div>
    </div>
  );
}
