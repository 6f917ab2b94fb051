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
