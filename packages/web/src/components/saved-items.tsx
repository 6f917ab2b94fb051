import { useEffect, useId, useState } from 'preact/hooks';
import {
  ApiError,
  createItem,
  getItem,
  type ItemCollection,
  listItems,
  type SavedItemSummary,
} from '../api/items.ts';

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
