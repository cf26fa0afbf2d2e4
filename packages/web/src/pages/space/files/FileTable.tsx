import type { FileEntry } from "@clawdspace/shared";
import { bytes, relative } from "../../../components/format";
import { Icon } from "../../../components/Icon";


export interface RowActions {
  open: (e: FileEntry) => void;
  download: (e: FileEntry) => void;
  rename: (e: FileEntry) => void;
  remove: (e: FileEntry) => void;
}

/** A folder's entries: icon and name, human size, modified time, and what can be done with each. */
export function FileTable({ entries, atRoot, onUp, act, now = Date.now() }: { entries: FileEntry[]; atRoot: boolean; onUp: () => void; act: RowActions; now?: number }) {
  return (
    <table className="file-table">
      <thead>
        <tr>
          <th>Name</th>
          <th className="num">Size</th>
          <th className="col-when">Modified</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {!atRoot && (
          <tr>
            <td colSpan={4}>
              <button type="button" className="link file-name" onClick={onUp}>
                <Icon name="up" /> Parent folder
              </button>
            </td>
          </tr>
        )}
        {entries.map((e) => (
          <tr key={e.path} data-file={e.name}>
            <td>
              <button type="button" className="link file-name" onClick={() => act.open(e)}>
                <Icon name={e.type === "dir" ? "folder" : e.type === "symlink" ? "link" : "file"} />
                <span>{e.name}</span>
                <span className="sr-only">{e.type === "dir" ? " (folder)" : e.type === "symlink" ? " (link)" : ""}</span>
              </button>
            </td>
            <td className="num">{e.type === "dir" ? "" : bytes(e.size)}</td>
            <td className="col-when">
              <time className="when" dateTime={new Date(e.mtimeMs).toISOString()} title={new Date(e.mtimeMs).toLocaleString()}>
                {relative(new Date(e.mtimeMs).toISOString(), now)}
              </time>
            </td>
            <td className="row-actions">
              {e.type === "file" && (
                <button type="button" className="link" onClick={() => act.download(e)} aria-label={`Download ${e.name}`}>
                  Download
                </button>
              )}
              <button type="button" className="link" onClick={() => act.rename(e)} aria-label={`Rename ${e.name}`}>
                Rename
              </button>
              <button type="button" className="link danger" onClick={() => act.remove(e)} aria-label={`Delete ${e.name}`}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

