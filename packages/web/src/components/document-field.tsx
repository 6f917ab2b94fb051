import type { TextFile } from '@clearbox/core';
import { useId } from 'preact/hooks';

/**
 * The editable document of a page (claims, workload, disclosure, signals): a labelled monospace
 * textarea whose label names the file it came from. Pages recompute from `file` after a pause.
 */
export function DocumentField({
  label,
  testId,
  rows,
  file,
  onChange,
}: {
  label: string;
  /** The textarea's test id. */
  testId: string;
  rows: number;
  file: TextFile;
  onChange: (file: TextFile) => void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>
        {label} ({file.path})
      </label>
      <textarea
        id={id}
        data-testid={testId}
        class="code"
        rows={rows}
        spellcheck={false}
        value={file.text}
        onInput={(e) => onChange({ path: file.path, text: (e.currentTarget as HTMLTextAreaElement).value })}
      />
    </div>
  );
}

/** YAML or JSON documents, the default of DocumentUpload. */
const yamlOrJson = '.yaml,.yml,.json,application/json,text/yaml';

/** A labelled file input that reads the chosen file as text and hands it over with its name. */
export function DocumentUpload({
  label,
  testId,
  accept = yamlOrJson,
  onLoad,
}: {
  label: string;
  /** The input's test id. */
  testId: string;
  accept?: string;
  onLoad: (file: TextFile) => void;
}) {
  const id = useId();
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="file"
        accept={accept}
        onChange={async (e) => {
          const chosen = (e.currentTarget as HTMLInputElement).files?.[0];
          if (chosen) onLoad({ path: chosen.name, text: await chosen.text() });
        }}
      />
    </>
  );
}

/** The document split where a top-level key begins (`claims:` at column 0): what comes before, and the rest. */
export function splitAtTopLevelKey(text: string, key: string): { head: string; body: string } | undefined {
  const m = new RegExp(`^${key}:`, 'm').exec(text);
  if (!m || m.index === 0) return undefined;
  return { head: text.slice(0, m.index), body: text.slice(m.index) };
}

/**
 * A document whose interesting part comes after a long preamble (a claims file's device definitions):
 * the part from `focusKey` on is the editor people see; the preamble folds away beneath it, still
 * editable. Both edit the one file, so problems are still reported at the file's own line numbers.
 */
export function FocusedDocumentField({
  label,
  testId,
  rows,
  file,
  focusKey,
  onChange,
}: {
  label: string;
  /** The focused textarea's test id; the preamble's is `${testId}-preamble`. */
  testId: string;
  rows: number;
  file: TextFile;
  focusKey: string;
  onChange: (file: TextFile) => void;
}) {
  const id = useId();
  const split = splitAtTopLevelKey(file.text, focusKey);
  if (!split)
    return <DocumentField label={label} testId={testId} rows={rows} file={file} onChange={onChange} />;
  const headLines = split.head.split('\n').length - 1;
  const keys = [...split.head.matchAll(/^([A-Za-z_][\w-]*):/gm)].map((m) => m[1]).join(', ');
  return (
    <>
      <div class="field">
        <label for={id}>
          {label} ({file.path}, from line {headLines + 1})
        </label>
        <textarea
          id={id}
          data-testid={testId}
          class="code"
          rows={rows}
          spellcheck={false}
          value={split.body}
          onInput={(e) =>
            onChange({ path: file.path, text: split.head + (e.currentTarget as HTMLTextAreaElement).value })
          }
        />
      </div>
      <details class="preamble" data-testid={`${testId}-preamble-section`}>
        <summary>
          The rest of the file: lines 1–{headLines} ({keys || 'comments'})
        </summary>
        <DocumentField
          label={`Lines 1–${headLines}`}
          testId={`${testId}-preamble`}
          rows={Math.min(rows, headLines)}
          file={{ path: file.path, text: split.head }}
          onChange={(head) => onChange({ path: file.path, text: head.text + split.body })}
        />
      </details>
    </>
  );
}
