import { useEffect } from 'react';
import type { FastEvaluation, PermutationImportance, RowExplanation, WhatIfField } from '../../../../shared/evaluation.ts';
import { useAugur } from '../../store.ts';
import { DeepProgress } from './DeepProgress.tsx';
import { chartValue, formatNumber, isPercent, metricPlain, pct } from './format.ts';
import { Term } from './Term.tsx';
import { Waterfall } from './Waterfall.tsx';

// What drives the model: which columns matter most, why it said what it did about one row, and what it
// would say for values typed into a form.
export function DriversSection({ fast, target }: { fast: FastEvaluation; target: string }) {
  const importance = useAugur((s) => s.evaluation?.deep?.importance);
  const deep = useAugur((s) => s.evaluation?.deep);
  return (
    <section className="understand__section" aria-labelledby="d-title" data-testid="section-drivers">
      <h2 id="d-title" className="card__title">What drives it?</h2>
      {!deep ? <DeepProgress what="which columns matter most" /> : importance ? <Importance imp={importance} /> : <p className="muted">Augur could not measure the columns’ weight for this kind of model.</p>}
      <RowPicker fast={fast} target={target} />
      <WhatIf fast={fast} target={target} />
    </section>
  );
}

function Importance({ imp }: { imp: PermutationImportance }) {
  const m = imp.metric;
  const scale = (v: number) => (isPercent(m) ? chartValue(m, v) : v);
  const rows = imp.columns.slice(0, 12);
  const max = Math.max(...rows.map((c) => scale(c.importance + c.std)), 1e-9);
  const top = rows[0];
  const unit = isPercent(m) ? ' points' : '';
  const at = (v: number) => `${Math.max(0, Math.min(1, v / max)) * 100}%`;
  return (
    <div className="card card--inner">
      <h3 className="card__subtitle">Which columns matter most</h3>
      <p>
        {top && top.importance > 0 ? (
          <>Mixing up “{top.column}” costs the model the most: its {metricPlain(m).label.toLowerCase()} drops by about {formatNumber(scale(top.importance))}{unit}. </>
        ) : (
          <>No single column matters much on its own. </>
        )}
        <Term what="Augur mixes up one column’s values on rows the model did not learn from and measures how much worse the model gets. The more it loses, the more the model relies on that column. The thin line shows how much this varies between tries.">
          How is this measured?
        </Term>
      </p>
      <div className="importance" role="img" aria-label="How much the model loses when each column is mixed up" data-testid="importance-chart">
        {rows.map((c) => {
          const v = Math.max(0, scale(c.importance));
          const s = scale(c.std);
          return (
            <div key={c.column} className="importance__row">
              <span className="importance__label" title={c.column}>{c.column}</span>
              <span className="importance__track">
                <span className="importance__fill" style={{ width: at(v) }} />
                {s > 0 && <span className="importance__spread" style={{ left: at(Math.max(0, v - s)), width: `calc(${at(v + s)} - ${at(Math.max(0, v - s))})` }} />}
              </span>
              <span className="importance__value">{v > 0 ? `−${formatNumber(v)}${unit}` : 'hardly any'}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function RowPicker({ fast, target }: { fast: FastEvaluation; target: string }) {
  const page = useAugur((s) => s.rowsPage);
  const loadRows = useAugur((s) => s.loadRows);
  const explain = useAugur((s) => s.explain);
  const explained = useAugur((s) => s.explained);
  const busy = useAugur((s) => s.explaining);
  useEffect(() => {
    if (!page) void loadRows(0);
  }, [page, loadRows]);
  const offset = page?.rows[0]?.index ?? 0;
  return (
    <div className="card card--inner">
      <h3 className="card__subtitle">Why did it say that about one row?</h3>
      <p className="muted">Pick any row the model learned from to see which columns pushed its answer up or down.</p>
      {page && (
        <div className="row-picker">
          <div className="table-scroll">
            <table className="rows-table" data-testid="rows-table">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  {page.columns.slice(0, 6).map((c) => <th key={c} scope="col">{c}</th>)}
                  <th scope="col">Real “{target}”</th>
                  <th scope="col">Model said</th>
                  <th scope="col"><span className="visually-hidden">Explain</span></th>
                </tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <tr key={r.index} className={explained?.row === r.index ? 'is-picked' : ''}>
                    <td className="num">{r.index + 1}</td>
                    {r.cells.slice(0, 6).map((c, i) => <td key={i}>{c}</td>)}
                    <td>{r.actual}</td>
                    <td>{r.predicted}</td>
                    <td>
                      <button type="button" className="btn btn--small" disabled={busy} onClick={() => void explain(r.index)} data-testid={`explain-${r.index}`}>
                        Why?
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" className="btn btn--small" disabled={offset === 0} onClick={() => void loadRows(offset - page.rows.length)}>Previous</button>
            <span className="muted">Rows {offset + 1}–{offset + page.rows.length} of {page.total.toLocaleString('en-US')}</span>
            <button type="button" className="btn btn--small" disabled={offset + page.rows.length >= page.total} onClick={() => void loadRows(offset + page.rows.length)}>Next</button>
          </div>
        </div>
      )}
      {explained && <Explanation e={explained.explanation} fast={fast} title={`Row ${explained.row + 1}`} />}
    </div>
  );
}

function Explanation({ e, fast, title }: { e: RowExplanation; fast: FastEvaluation; title: string }) {
  const amount = fast.task === 'regression';
  return (
    <div className="explanation" data-testid="explanation">
      <h4>
        {title}: {amount ? <>the model predicts <strong>{formatNumber(e.shown)}</strong></> : <>the chance of “{e.className}” is <strong>{pct(e.shown, 1)}</strong></>}
      </h4>
      <ul className="reasons" data-testid="reasons">
        {e.reasons.map((r, i) => <li key={i}>{r}</li>)}
      </ul>
      <Waterfall e={e} amount={amount} />
    </div>
  );
}

function WhatIf({ fast, target }: { fast: FastEvaluation; target: string }) {
  const w = useAugur((s) => s.whatIf);
  const open = useAugur((s) => s.openWhatIf);
  const setValue = useAugur((s) => s.setWhatIf);
  if (!w) {
    return (
      <div className="card card--inner">
        <h3 className="card__subtitle">What if…?</h3>
        <p className="muted">Type in values for a customer, an order or an item that is not in the file, and see what the model says and why.</p>
        <button type="button" className="btn" onClick={() => void open()} data-testid="open-what-if">Try your own values</button>
      </div>
    );
  }
  return (
    <div className="card card--inner what-if" data-testid="what-if">
      <h3 className="card__subtitle">What if…?</h3>
      <div className="what-if__grid">
        <form className="what-if__form" onSubmit={(e) => e.preventDefault()}>
          {w.fields.map((f) => <Field key={f.column} f={f} value={w.values[f.column] ?? null} onChange={(v) => setValue(f.column, v)} />)}
        </form>
        <div className="what-if__result" aria-live="polite">
          {w.error && <p className="banner banner--error">{w.error}</p>}
          {w.result && <Explanation e={w.result} fast={fast} title={`For these values${w.busy ? ' (updating…)' : ''}`} />}
          {!w.result && !w.error && <p className="muted">Working out what the model says about “{target}”…</p>}
        </div>
      </div>
    </div>
  );
}

function Field({ f, value, onChange }: { f: WhatIfField; value: string | number | null; onChange: (v: string | number | null) => void }) {
  const id = `wi-${f.column}`;
  if (f.kind === 'number') {
    const step = f.integer ? 1 : Math.max((f.max - f.min) / 100, 0.01);
    return (
      <label className="field" htmlFor={id}>
        <span className="field__label">{f.column}</span>
        <input id={id} type="number" value={value === null ? '' : String(value)} step={step} min={f.min} max={f.max} data-testid={`what-if-${f.column}`}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />
        <span className="muted field__hint">from {formatNumber(f.min)} to {formatNumber(f.max)}; typical {formatNumber(f.typical)}</span>
      </label>
    );
  }
  if (f.kind === 'choice') {
    return (
      <label className="field" htmlFor={id}>
        <span className="field__label">{f.column}</span>
        <select id={id} value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid={`what-if-${f.column}`}>
          <option value="">(empty)</option>
          {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </label>
    );
  }
  return (
    <label className="field" htmlFor={id}>
      <span className="field__label">{f.column}</span>
      <input id={id} type={f.kind === 'date' ? 'date' : 'text'} value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid={`what-if-${f.column}`} />
      {f.kind === 'date' && <span className="muted field__hint">from {f.min} to {f.max}</span>}
    </label>
  );
}

