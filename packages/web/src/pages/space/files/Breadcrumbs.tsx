import { crumbs } from "./paths";

/** One link per level of the open folder; the last is where you are. */
export function Breadcrumbs({ dir, onOpen }: { dir: string; onOpen: (path: string) => void }) {
  const all = crumbs(dir);
  return (
    <nav aria-label="Folder" className="crumbs">
      <ol>
        {all.map((c, i) => (
          <li key={c.path}>
            {i === all.length - 1 ? (
              <span aria-current="page">{c.label}</span>
            ) : (
              <button type="button" className="link" onClick={() => onOpen(c.path)}>
                {c.label}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
