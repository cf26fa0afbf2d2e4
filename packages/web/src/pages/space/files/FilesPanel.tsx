import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { FileEntry } from "@clawdspace/shared";
import { fileActions, filesQuery, refreshFiles } from "../../../api/queries/files";
import { client } from "../../../api/client";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { bytes } from "../../../components/format";
import { Icon } from "../../../components/Icon";
import { Empty, ErrorBox, Loading } from "../../../components/States";
import { Breadcrumbs } from "./Breadcrumbs";
import { FileEditor } from "./FileEditor";
import { FileTable } from "./FileTable";
import { NameForm } from "./NameForm";
import { join, parent, rel } from "./paths";
import { useUploads } from "./useUploads";

type Asking = { kind: "file" | "folder" } | { kind: "rename"; entry: FileEntry } | null;

export function FilesPanel({ space }: { space: string }) {
  const [dir, setDir] = useState("/");
  const [open, setOpen] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const [deleting, setDeleting] = useState<FileEntry | null>(null);
  const [dragging, setDragging] = useState(false);
  const list = useQuery(filesQuery(space, dir));
  const qc = useQueryClient();
  const picker = useRef<HTMLInputElement>(null);
  const uploads = useUploads(space);
  const act = useMutation({
    mutationFn: async (fn: () => Promise<unknown>) => fn(),
    onSuccess: () => void refreshFiles(qc, space),
  });
  const cd = (path: string) => {
    setDir(path);
    setAsking(null);
  };

  const named = (name: string) => {
    if (!asking) return;
    if (asking.kind === "rename") {
      const from = rel(asking.entry.path);
      const to = join(parent(from), name);
      act.mutate(() => client.rename(space, from, to), { onSuccess: () => setAsking(null) });
      if (open === from) setOpen(to);
      return;
    }
    const path = join(dir, name);
    act.mutate(() => (asking.kind === "file" ? fileActions.write(space, path, "") : fileActions.mkdir(space, path)), {
      onSuccess: () => {
        setAsking(null);
        if (asking.kind === "file") setOpen(path);
      },
    });
  };
  const download = async (e: FileEntry) => {
    const blob = await fileActions.download(space, rel(e.path));
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = e.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const up = uploads.state;

  return (
    <div
      className={`files drop-zone${dragging ? " dragging" : ""}`}
      data-testid="files-drop"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void uploads.start(dir, [...e.dataTransfer.files]);
      }}
    >
      <div className="row files-bar">
        <Breadcrumbs dir={dir} onOpen={cd} />
        <span className="spacer" />
        <button type="button" onClick={() => setAsking({ kind: "file" })}>
          New file
        </button>
        <button type="button" onClick={() => setAsking({ kind: "folder" })}>
          New folder
        </button>
        <button type="button" onClick={() => picker.current?.click()}>
          <Icon name="upload" /> Upload
        </button>
        <input
          ref={picker}
          type="file"
          hidden
          multiple
          data-testid="upload"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            void uploads.start(dir, files);
          }}
        />
      </div>
      <p className="muted small">Drop files here to upload them into this folder.</p>
      {asking && (
        <NameForm
          key={asking.kind === "rename" ? asking.entry.path : asking.kind}
          label={asking.kind === "rename" ? `New name for ${asking.entry.name}` : asking.kind === "file" ? "New file name" : "New folder name"}
          submit={asking.kind === "rename" ? "Rename" : "Create"}
          initial={asking.kind === "rename" ? asking.entry.name : ""}
          busy={act.isPending}
          onSubmit={named}
          onCancel={() => setAsking(null)}
        />
      )}
      {up && (
        <div className="upload-progress" role="status">
          <label htmlFor="upload-bar">
            {up.error ? `Upload stopped: ${up.error.message}` : up.done ? `Uploaded ${up.names.join(", ")}` : `Uploading ${up.names.join(", ")}: ${bytes(up.sent)} of ${bytes(up.total)}`}
          </label>
          <progress id="upload-bar" max={Math.max(1, up.total)} value={up.sent} />
          {up.done && (
            <button type="button" className="link" onClick={uploads.clear}>
              Dismiss
            </button>
          )}
        </div>
      )}
      {act.error && <ErrorBox error={act.error} />}
      <div className="files-body">
        {list.isPending ? (
          <Loading what="files" />
        ) : list.isError ? (
          <ErrorBox error={list.error} retry={() => void list.refetch()} />
        ) : (
          <FileTable
            entries={list.data.entries}
            atRoot={dir === "/"}
            onUp={() => cd(parent(dir))}
            act={{
              open: (e) => (e.type === "dir" ? cd(rel(e.path)) : setOpen(rel(e.path))),
              download: (e) => void download(e),
              rename: (e) => setAsking({ kind: "rename", entry: e }),
              remove: setDeleting,
            }}
          />
        )}
        {list.data?.entries.length === 0 && <Empty>This folder is empty.</Empty>}
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirm={deleting.type === "dir" ? "Delete the folder and its contents" : "Delete the file"}
          keep="Keep it"
          danger
          onConfirm={() => {
            const path = rel(deleting.path);
            act.mutate(() => fileActions.remove(space, path, deleting.type === "dir"));
            if (open === path) setOpen(null);
          }}
          onClose={() => setDeleting(null)}
        >
          <p>{deleting.type === "dir" ? `The folder ${rel(deleting.path)} and everything in it go from /workspace.` : `The file ${rel(deleting.path)} goes from /workspace.`} This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {open && <FileEditor key={open} space={space} path={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
