import { useRef, useState, type DragEvent } from 'react';
import type { ColumnType } from '../../../shared/api.ts';
import { FindingList } from '../components/FindingList.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ALL_TYPES, TYPE_LABELS, formatBytes, formatEta, formatInt, plural } from '../format.ts';
import { useAugur } from '../store.ts';

const PREVIEW_ROWS = 8;

// Step 1: get a CSV in (drop, pick or sample), show what was read, let the user fix column types.
export function ImportScreen() {
  const dataset = useAugur((s) => s.dataset);
  const job = useAugur((s) => s.importJob);
  return (
    <section className="screen" aria-labelledby="import-title">
      <header className="screen__head">
        <h1 id="import-title" tabIndex={-1}>{dataset ? 'Your data' : 'Start with your data'}</h1>
        <p className="lead">
          {dataset
            ? 'Check that the columns were read the way you expect. Change a type if Augur guessed wrong.'
            : 'A spreadsheet saved as CSV, with one row per customer, sale or case, and one column for each thing you know about it.'}
        </p>
      </header>
      {job ? <ImportProgress /> : <DropZone compact={!!dataset} />}
      {dataset && !job && <DatasetView />}
      {!dataset && !job && <HowItWorks />}
    </section>
  );
}

function DropZone({ compact }: { compact: boolean }) {
  const importFile = useAugur((s) => s.importFile);
  const importSample = useAugur((s) => s.importSample);
  const samples = useAugur((s) => s.status?.samples);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void importFile(file);
  };
  const allowDrop = (e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const sample = samples?.find((s) => s.name === 'customers.csv') ?? samples?.[0];

  return (
    <div
      className={`dropzone${over ? ' is-over' : ''}${compact ? ' dropzone--compact' : ''}`}
      data-testid="drop-zone"
      onDragEnter={allowDrop}
      onDragOver={allowDrop}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {!compact && (
        <svg className="dropzone__icon" viewBox="0 0 48 48" aria-hidden="true">
          <path d="M14 6h14l10 10v26H14z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
          <path d="M28 6v10h10M26 36V22m-6 6 6-6 6 6" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      )}
      <p className="dropzone__title">{compact ? 'Use a different file: drop it here or' : 'Drop a CSV file here'}</p>
      <div className="dropzone__buttons">
        <button type="button" className={compact ? 'btn' : 'btn btn--primary'} onClick={() => input.current?.click()}>
          Choose a file
        </button>
        {sample && (
          <button type="button" className="btn" onClick={() => void importSample(sample.name)} title={sample.description} data-testid="try-sample">
            Try the sample
          </button>
        )}
      </div>
      {!compact && sample && (
        <p className="dropzone__hint">
          No file at hand? The sample <strong>{sample.name}</strong> shows how it works
          {/^Example data:/.test(sample.description) ? '.' : `: ${sample.description.replace(/^./, (ch) => ch.toLowerCase())}`}
        </p>
      )}
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept=".csv,.tsv,.txt,text/csv,text/plain"
        aria-label="Choose a CSV file"
        data-testid="file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // picking the same file again should import it again
          if (file) void importFile(file);
        }}
      />
    </div>
  );
}

function HowItWorks() {
  const steps = [
    ['Import', 'Drop a CSV. Augur reads it and shows what it found — nothing leaves your computer.'],
    ['Check', 'Pick the column you want to predict. Augur points out problems in plain words.'],
    ['Train', 'Augur tries many models in the time you allow and tells you how good the best one is.'],
  ];
  return (
    <ol className="how" aria-label="How it works">
      {steps.map(([title, words], i) => (
        <li key={title}>
          <span className="how__num" aria-hidden="true">{i + 1}</span>
          <div>
            <strong>{title}</strong>
            <p className="muted">{words}</p>
          </div>
        </li>
      ))}
    </ol>
  );
}

function ImportProgress() {
  const job = useAugur((s) => s.importJob)!;
  const cancel = useAugur((s) => s.cancelImport);
  return (
    <div className="card job" data-testid="import-progress">
      <div className="job__row">
        <div>
          <p className="job__title">
            Reading {job.label}
            {job.fraction > 0 ? ` · ${Math.floor(job.fraction * 100)}%` : ''}
          </p>
          <p className="muted">
            {/* The title already names the file; "Reading x.csv: 1,234 rows" becomes "1,234 rows". */}
            {job.message.startsWith(`Reading ${job.label}: `) ? job.message.slice(`Reading ${job.label}: `.length) : job.message}
            {job.etaS !== undefined && job.etaS > 3 ? ` · ${formatEta(job.etaS)}` : ''}
          </p>
        </div>
        <button type="button" className="btn" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
      <ProgressBar fraction={job.fraction > 0 ? job.fraction : undefined} label={`Reading ${job.label}`} />
    </div>
  );
}

function DatasetView() {
  const ds = useAugur((s) => s.dataset)!;
  const overrides = useAugur((s) => s.settings.typeOverrides);
  const setColumnType = useAugur((s) => s.setColumnType);
  const locked = useAugur((s) => !!s.train);
  const goTo = useAugur((s) => s.goTo);
  const rows = ds.preview.slice(0, PREVIEW_ROWS);
  return (
    <>
      <div className="card facts" aria-label="File summary">
        <div className="fact fact--file">
          <span className="fact__label">File</span>
          <span className="fact__value" title={ds.fileName}>{ds.fileName}</span>
        </div>
        <div className="fact">
          <span className="fact__label">Size</span>
          <span className="fact__value">{formatBytes(ds.fileBytes)}</span>
        </div>
        <div className="fact">
          <span className="fact__label">Rows</span>
          <span className="fact__value" data-testid="row-count">{plural(ds.rows, 'row')}</span>
        </div>
        <div className="fact">
          <span className="fact__label">Columns</span>
          <span className="fact__value" data-testid="column-count">{plural(ds.columns.length, 'column')}</span>
        </div>
        <div className="facts__next">
          <button type="button" className="btn btn--primary btn--big" onClick={() => goTo('check')} data-testid="to-check">
            Next: choose what to predict →
          </button>
        </div>
      </div>

      <FindingList findings={ds.findings} />

      <div className="card">
        <h2 className="card__title">
          First {plural(rows.length, 'row')} of {formatInt(ds.rows)}
        </h2>
        <div className="table-scroll">
          <table className="preview" data-testid="preview-table">
            <thead>
              <tr>
                {ds.columns.map((c) => {
                  const type = overrides?.[c.name] ?? c.type;
                  return (
                    <th key={c.name} scope="col">
                      <div className="preview__name" title={c.name}>{c.name}</div>
                      <select
                        className={`type-select${overrides?.[c.name] ? ' is-changed' : ''}`}
                        value={type}
                        disabled={locked}
                        aria-label={`Type of column ${c.name}`}
                        onChange={(e) => setColumnType(c.name, e.target.value as ColumnType)}
                      >
                        {ALL_TYPES.map((t) => (
                          <option key={t} value={t}>
                            {TYPE_LABELS[t]}
                          </option>
                        ))}
                      </select>
                      <div className="preview__meta">
                        {overrides?.[c.name] ? `changed (Augur read ${TYPE_LABELS[c.type].toLowerCase()})` : c.missing > 0 ? `${formatInt(c.missing)} empty` : 'none empty'}
                      </div>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {ds.columns.map((c, j) => (
                    <td key={c.name} className={r[j] === '' ? 'is-empty' : undefined}>
                      {r[j] === '' || r[j] === undefined ? 'empty' : r[j]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
