import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { fileActions, fileQuery, refreshFiles } from "../../../api/queries/files";
import { ErrorBox, Loading } from "../../../components/States";

/** The open file: its text, Save (or Ctrl/Cmd+S) while changed, Close. */
export function FileEditor({ space, path, onClose }: { space: string; path: string; onClose: () => void }) {
  const file = useQuery({ ...fileQuery(space, path), staleTime: Infinity });
  const [text, setText] = useState<string | null>(null);
  const qc = useQueryClient();
  useEffect(() => {
    if (file.data && text === null) setText(file.data.text);
  }, [file.data, text]);
  const save = useMutation({
    mutationFn: () => fileActions.write(space, path, text ?? ""),
    onSuccess: () => {
      void refreshFiles(qc, space);
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
