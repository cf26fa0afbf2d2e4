import { useState } from "react";
import type { Space } from "@clawdspace/shared";

/** The nodes the listed spaces live on; the filter and the node fact appear only once there are several. */
export function useNodeFilter(spaces: Space[] | undefined) {
  const [node, setNode] = useState("");
  const nodes = [...new Set((spaces ?? []).map((s) => s.node).filter(Boolean))].sort();
  const several = nodes.length > 1;
  const shown = several && node ? (spaces ?? []).filter((s) => s.node === node) : (spaces ?? []);
  const control = several ? (
    <label className="node-filter">
      Node{" "}
      <select value={node} onChange={(e) => setNode(e.target.value)} aria-label="Show the spaces of one node">
        <option value="">all</option>
        {nodes.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  ) : null;
  return { shown, several, control };
}

/** A space's node, as one more fact of its row. */
export function NodeFact({ space }: { space: Space }) {
  return (
    <div>
      <dt>Node</dt>
      <dd data-node={space.node}>{space.node}</dd>
    </div>
  );
}
