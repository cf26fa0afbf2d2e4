import { useQuery } from "@tanstack/react-query";
import { nodesQuery } from "../../api/queries/system";

/** The node a new space goes to; "" lets the server place it (the node with most headroom). Hidden with one node. */
export function NodeChoice({ value, onChange }: { value: string; onChange: (node: string) => void }) {
  const nodes = useQuery(nodesQuery());
  const list = nodes.data?.nodes ?? [];
  if (list.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor="new-node">Node</label>
      <select id="new-node" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">most headroom</option>
        {list.map((n) => (
          <option key={n.name} value={n.name} disabled={n.status !== "online"}>
            {n.name}
            {n.status !== "online" ? " (offline)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}
