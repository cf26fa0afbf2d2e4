import { useId, type ReactNode } from "react";

/** A modal question with a safe default: Escape and the first button keep things as they are. */
export function ConfirmDialog(p: { title: string; children: ReactNode; confirm: string; keep: string; danger?: boolean; onConfirm: () => void; onClose: () => void }) {
  const id = useId();
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === "Escape" && p.onClose()}>
      <div className="dialog card" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
        <h2 id={`${id}-t`}>{p.title}</h2>
        <div id={`${id}-d`}>{p.children}</div>
        <div className="row">
          <button type="button" onClick={p.onClose} autoFocus>
            {p.keep}
          </button>
          <button
            type="button"
            className={p.danger ? "danger" : "primary"}
            onClick={() => {
              p.onClose();
              p.onConfirm();
            }}
          >
            {p.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
