import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { spaceActions } from "../../api/queries/spaces";
import type { Space } from "@clawdspace/shared";
import { Dialog } from "../../components/Dialog";

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
  const volumeName = space.volume?.name || "(the /workspace volume)";
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
        <Dialog title={`Destroy ${space.name}?`} onClose={() => setConfirming(false)} alert>
          <p>
            The container of {space.name} goes, and every process running in it ends.{" "}
            {removeVolume ? (
              <strong>Its volume {volumeName} goes too, with every file in /workspace: this cannot be undone.</strong>
            ) : (
              <>Its volume {volumeName} stays: a new space of the same name gets its files back.</>
            )}
          </p>
          <label className="check">
            <input type="checkbox" checked={removeVolume} onChange={(e) => setRemoveVolume(e.target.checked)} /> Also delete the volume and its files
          </label>
          <div className="row dialog-buttons">
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
              {removeVolume ? "Destroy container and volume" : "Destroy container, keep volume"}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
