import { download, type TableData, toCsv, toJson } from '../export.ts';

/** CSV and JSON buttons for a table: `name` becomes the file name (`hardware.csv`). */
export function TableExport({ name, table }: { name: string; table: () => TableData }) {
  return (
    <div class="table-export" data-testid={`export-${name}`}>
      <span class="muted">Download:</span>
      <button
        type="button"
        data-testid={`export-${name}-csv`}
        aria-label={`Download ${name} as CSV`}
        onClick={() => download(`${name}.csv`, toCsv(table()), 'text/csv')}
      >
        CSV
      </button>
      <button
        type="button"
        data-testid={`export-${name}-json`}
        aria-label={`Download ${name} as JSON`}
        onClick={() => download(`${name}.json`, toJson(table()), 'application/json')}
      >
        JSON
      </button>
    </div>
  );
}
