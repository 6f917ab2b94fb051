/** One tab of a strip: its id (also the tab element's `tab-<id>`) and the label it shows. */
export interface Tab<T extends string> {
  id: T;
  label: string;
}

/**
 * A strip of tabs over one panel (WAI-ARIA tabs): each a button with role tab, `tab-<id>` as its id (the
 * panel's aria-labelledby names the selected one) and aria-controls naming the panel. The keyboard works
 * as on any button (Tab reaches each tab, Enter or Space selects it); the page keeps the selection.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  panelId,
  onSelect,
  testIdPrefix,
}: {
  /** What the strip chooses, for assistive technology (aria-label). */
  label: string;
  tabs: ReadonlyArray<Tab<T>>;
  selected: T;
  panelId: string;
  onSelect: (id: T) => void;
  /** Gives each tab `data-testid="<prefix>-<id>"`. */
  testIdPrefix?: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          data-testid={testIdPrefix === undefined ? undefined : `${testIdPrefix}-${t.id}`}
          aria-selected={selected === t.id}
          aria-controls={panelId}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
