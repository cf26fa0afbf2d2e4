import type { ReactNode } from "react";
import { Dialog } from "./Dialog";

/** A modal question with a safe default: Escape and the first button keep things as they are. */
export function ConfirmDialog(p: { title: string; children: ReactNode; confirm: string; keep: string; danger?: boolean; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog title={p.title} onClose={p.onClose} alert>
      {p.children}
      <div className="row dialog-buttons">
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
    </Dialog>
  );
}
