import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { fileActions, fileQuery, filesQuery } from "../../api/queries/files";
import type { FileEntry } from "@clawdspace/shared";
import { bytes } from "../../components/format";
import { Empty, ErrorBox, Loading } from "../../components/States";

const join = (dir: string, name: string) => `${dir.replace(/\/$/, "")}/${name}`;
const parent = (p: string) => p.replace(/\/[^/]*$/, "") || "/";

export function FilesPanel({ space }: { space: string }) {
  const [dir, setDir] = useState("/");
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery(filesQuery(space, dir));
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ["files", space] });
  const upload = useRef<HTMLInputElement>(null);
  const act = useMutation({
    mutationFn: async (fn: () => Promise<unknown>) => fn(),
    onSuccess: () => void refresh(),
  });

  const create = (kind: "file" | "folder") => {
    const name = prompt(kind === "file" ? "New file name" : "New folder name")?.trim();
    if (!name) return;
    const path = join(dir, name);
    act.mutate(() => (kind === "file" ? fileActions.write(space, path, "") : fileActions.mkdir(space, path)));
    if (kind === "file") setOpen(path);
  };
  const remove = (e: FileEntry) => {
    if (!confirm(`Delete ${e.path}${e.type === "dir" ? " and everything in it" : ""}?`)) return;
    act.mutate(() => fileActions.remove(space, e.path, e.type === "dir"));
    if (open === e.path) setOpen(null);
  };
  const download = async (e: FileEntry) => {
    const blob = await fileActions.download(space, e.path);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = e.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  return (
    <div className="files">
      <div className="row files-bar">
        <nav aria-label="Folder" className="crumbs">
          <button type="button" className="link" onClick={() => setDir("/")}>
            /workspace
          </button>
          {dir
            .split("/")
            .filter(Boolean)
            .map((part, i, all) => (
              <button key={i} type="button" className="link" onClick={() => setDir(`/${all.slice(0, i + 1).join("/")}`)}>
                /{part}
              </button>
            ))}
        </nav>
        <span className="spacer" />
        <button type="button" onClick={() => create("file")}>
          New file
        </button>
        <button type="button" onClick={() => create("folder")}>
          New folder
        </button>
        <button type="button" onClick={() => upload.current?.click()}>
          Upload
        </button>
        <input
          ref={upload}
          type="file"
          hidden
          multiple
          data-testid="upload"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            act.mutate(() => Promise.all(files.map((f) => fileActions.write(space, join(dir, f.name), f))));
          }}
        />
      </div>
      {act.error && <ErrorBox error={act.error} />}
      <div className="files-body">
        {list.isPending ? (
          <Loading what="files" />
        ) : list.isError ? (
          <ErrorBox error={list.error} retry={() => void list.refetch()} />
        ) : (
          <table className="file-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Size</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {dir !== "/" && (
                <tr>
                  <td colSpan={3}>
                    <button type="button" className="link" onClick={() => setDir(parent(dir))}>
                      ..
                    </button>
                  </td>
                </tr>
              )}
              {list.data.entries.map((e) => (
                <tr key={e.path} data-file={e.name}>
                  <td>
                    <button type="button" className="link" onClick={() => (e.type === "dir" ? setDir(e.path.replace(/^\/workspace/, "") || "/") : setOpen(e.path))}>
                      {e.type === "dir" ? "📁 " : ""}
                      {e.name}
                    </button>
                  </td>
                  <td className="num">{e.type === "dir" ? "" : bytes(e.size)}</td>
                  <td className="row-actions">
                    {e.type === "file" && (
                      <button type="button" className="link" onClick={() => void download(e)} aria-label={`Download ${e.name}`}>
                        Download
                      </button>
                    )}
                    <button type="button" className="link danger" onClick={() => remove(e)} aria-label={`Delete ${e.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.data?.entries.length === 0 && <Empty>This folder is empty.</Empty>}
      </div>
      {open && <Editor key={open} space={space} path={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function Editor({ space, path, onClose }: { space: string; path: string; onClose: () => void }) {
  const file = useQuery({ ...fileQuery(space, path), staleTime: Infinity });
  const [text, setText] = useState<string | null>(null);
  const qc = useQueryClient();
  useEffect(() => {
    if (file.data && text === null) setText(file.data.text);
  }, [file.data, text]);
  const save = useMutation({
    mutationFn: () => fileActions.write(space, path, text ?? ""),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["files", space] });
      qc.setQueryData(fileQuery(space, path).queryKey, { text: text ?? "", truncated: false, size: (text ?? "").length });
    },
  });
  const dirty = file.data !== undefined && text !== null && text !== file.data.text;
  return (
    <div className="editor card">
      <div className="row">
        <strong className="path">{path}</strong>
        <span className="spacer" />
        {save.isSuccess && !dirty && <span className="muted small">Saved</span>}
        <button type="button" className="primary" disabled={!dirty || save.isPending || file.data?.truncated} onClick={() => save.mutate()}>
          Save
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {save.error && <ErrorBox error={save.error} />}
      {file.isPending ? (
        <Loading what={path} />
      ) : file.isError ? (
        <ErrorBox error={file.error} />
      ) : (
        <>
          {file.data.truncated && <p className="muted small">Too large to edit here: showing the start. Download it instead.</p>}
          <textarea
            aria-label={`Contents of ${path}`}
            spellCheck={false}
            value={text ?? ""}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === "s") {
                e.preventDefault();
                if (dirty) save.mutate();
              }
            }}
          />
        </>
      )}
    </div>
  );
}
