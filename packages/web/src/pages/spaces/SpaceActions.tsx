import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { spaceActions } from "../../api/queries/spaces";
import type { Space } from "@clawdspace/shared";

/** Pause/resume, keep awake and destroy; shared by the list and a space's page. */
export function SpaceActions({ space, onDestroyed }: { space: Space; onDestroyed?: () => void }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [removeVolume, setRemoveVolume] = useState(false);
  const done = () => qc.invalidateQueries({ queryKey: ["spaces"] });
  const act = useMutation({
    mutationFn: (what: "pause" | "resume" | "keep" | "destroy"): Promise<unknown> =>
      what === "pause"
        ? spaceActions.pause(space.name)
        : what === "resume"
          ? spaceActions.resume(space.name)
          : what === "keep"
            ? spaceActions.keepAwake(space.name, 3_600_000)
            : spaceActions.destroy(space.name, removeVolume),
    onSuccess: (_r, what) => {
      void done();
      if (what === "destroy") onDestroyed?.();
    },
  });
  const running = space.state === "running";
  return (
    <div className="actions">
      {running ? (
        <button type="button" onClick={() => act.mutate("pause")} disabled={act.isPending} aria-label={`Pause ${space.name}`}>
          Pause
        </button>
      ) : (
        <button type="button" onClick={() => act.mutate("resume")} disabled={act.isPending} aria-label={`Resume ${space.name}`}>
          Resume
        </button>
      )}
      <button type="button" onClick={() => act.mutate("keep")} disabled={act.isPending} title="Hold it awake for an hour" aria-label={`Keep ${space.name} awake for an hour`}>
        Keep awake
      </button>
      <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={act.isPending} aria-label={`Destroy ${space.name}`}>
        Destroy
      </button>
      {act.error && (
        <span className="field-error" role="alert">
          {act.error.message}
        </span>
      )}
      {confirming && (
        <div className="dialog-backdrop" onKeyDown={(e) => e.key === "Escape" && setConfirming(false)}>
          <div className="dialog card" role="alertdialog" aria-modal="true" aria-labelledby={`destroy-${space.name}`}>
            <h2 id={`destroy-${space.name}`}>Destroy {space.name}?</h2>
            <p>The container goes. {removeVolume ? <strong>Its volume and every file in /workspace go too.</strong> : <>Its volume ({space.volume?.name ?? "the /workspace volume"}) stays, and a new space of the same name gets its files back.</>}</p>
            <label className="check">
              <input type="checkbox" checked={removeVolume} onChange={(e) => setRemoveVolume(e.target.checked)} /> Also delete the volume and its files
            </label>
            <div className="row">
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirming(false);
                  act.mutate("destroy");
                }}
              >
                {removeVolume ? "Destroy with its files" : "Destroy, keep the volume"}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
