import { useEffect, useId, useState } from 'preact/hooks';
import {
  ApiError,
  createItem,
  getItem,
  type ItemCollection,
  listItems,
  type SavedItemSummary,
} from '../api/items.ts';
import { parseSavedItemsFile, savedItemsFile } from '../api/saved-items-file.ts';
import { download } from '../export.ts';

/**
 * Save what is on screen to the server and load it back. `accepts` picks the items this panel can
 * load (a scenario of the training calculator is not one of the inference calculator).
 */
export function SavedItems({
  collection,
  label,
  content,
  accepts,
  onLoad,
  testId,
}: {
  collection: ItemCollection;
  label: string;
  content: () => unknown;
  accepts: (content: unknown) => boolean;
  onLoad: (content: unknown, item: SavedItemSummary) => void;
  testId: string;
}) {
  const nameId = useId();
  const importId = useId();
  const [fileStatus, setFileStatus] = useState<{ error: boolean; text: string } | undefined>();
  const [name, setName] = useState('');
  const [items, setItems] = useState<SavedItemSummary[]>([]);
  const [status, setStatus] = useState<{ error: boolean; text: string } | undefined>();

  const refresh = () =>
    listItems(collection).then(
      (list) => setItems(list),
      (error: unknown) => setStatus({ error: true, text: messageOf(error) }),
    );
  useEffect(() => {
    void refresh();
  }, [collection]);

  const save = async () => {
    const trimmed = name.trim();
    if (!trimmed) {
      setStatus({ error: true, text: 'give the item a name to save it' });
      return;
    }
    try {
      const item = await createItem(collection, trimmed, content());
      setStatus({ error: false, text: `saved "${item.name}" (revision ${item.revision})` });
      await refresh();
    } catch (error) {
      setStatus({ error: true, text: messageOf(error) });
    }
  };

  const load = async (summary: SavedItemSummary) => {
    try {
      const item = await getItem(collection, summary.id);
      if (!accepts(item.content)) {
        setStatus({ error: true, text: `"${item.name}" is not a ${label}` });
        return;
      }
      onLoad(item.content, item);
      setStatus({ error: false, text: `loaded "${item.name}" (revision ${item.revision})` });
    } catch (error) {
      setStatus({ error: true, text: messageOf(error) });
    }
  };

  /** Every item of the collection this panel can load, as one JSON file. */
  const exportAll = async () => {
    try {
      const all = await Promise.all(items.map((i) => getItem(collection, i.id)));
      const mine = all.filter((i) => accepts(i.content));
      if (mine.length === 0) {
        setFileStatus({ error: true, text: `no saved ${label} to export` });
        return;
      }
      download(
        `clearbox-${collection}-${label.replace(/\W+/g, '-')}.json`,
        savedItemsFile(collection, mine),
        'application/json',
      );
      setFileStatus({
        error: false,
        text: `exported ${mine.length} ${label}${mine.length === 1 ? '' : 's'}`,
      });
    } catch (error) {
      setFileStatus({ error: true, text: messageOf(error) });
    }
  };

  const importFile = async (file: File) => {
    const parsed = parseSavedItemsFile(file.name, await file.text(), collection, accepts, label);
    if (!parsed.ok) {
      setFileStatus({ error: true, text: parsed.message });
      return;
    }
    try {
      for (const item of parsed.items) await createItem(collection, item.name, item.content);
      setFileStatus({
        error: false,
        text: `imported ${parsed.items.length} ${label}${parsed.items.length === 1 ? '' : 's'} from ${file.name}`,
      });
    } catch (error) {
      setFileStatus({ error: true, text: `${file.name}: ${messageOf(error)}` });
    }
    await refresh();
  };

  return (
    <details class="saved" data-testid={testId}>
      <summary class="saved-summary">
        Save or load {/^[aeiou]/i.test(label) ? 'an' : 'a'} {label}
      </summary>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div class="field">
          <label for={nameId}>Name</label>
          <input
            id={nameId}
            data-testid={`${testId}-name`}
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <span class="help">&nbsp;</span>
          <button type="submit" data-testid={`${testId}-save`}>
            Save
          </button>
        </div>
      </form>
      {status && (
        <p class={status.error ? 'field-error' : 'muted'} role="status" data-testid={`${testId}-status`}>
          {status.text}
        </p>
      )}
      <div class="form saved-file">
        <div class="field">
          <span class="help">&nbsp;</span>
          <button type="button" data-testid={`${testId}-export`} onClick={() => void exportAll()}>
            Export to a file
          </button>
        </div>
        <div class="field">
          <label for={importId}>Import from a file (JSON, as exported)</label>
          <input
            id={importId}
            type="file"
            accept=".json,application/json"
            data-testid={`${testId}-import`}
            aria-describedby={fileStatus ? `${importId}-status` : undefined}
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              const chosen = input.files?.[0];
              if (chosen)
                void importFile(chosen).then(() => {
                  input.value = '';
                });
            }}
          />
          {fileStatus && (
            <small
              id={`${importId}-status`}
              class={fileStatus.error ? 'field-error' : 'help'}
              role={fileStatus.error ? 'alert' : 'status'}
              data-testid={`${testId}-file-status`}
            >
              {fileStatus.text}
            </small>
          )}
        </div>
      </div>
      {items.length > 0 && (
        <ul class="saved-list">
          {items.map((item) => (
            <li key={item.id}>
              <button type="button" onClick={() => void load(item)} data-testid={`${testId}-load`}>
                Load
              </button>{' '}
              {item.name}{' '}
              <span class="muted">
                (revision {item.revision}, {item.updatedAt.slice(0, 16).replace('T', ' ')})
              </span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return String(error);
}
