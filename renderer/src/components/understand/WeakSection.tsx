import { useMemo, useState } from 'react';
import type { FastEvaluation, Slice, SlowEvaluation } from '../../../../shared/evaluation.ts';
import { formatNumber, formatScore, intervalWords, isPercent, lowerIsBetter, metricPlain, pct } from './format.ts';
import { DeepProgress } from './DeepProgress.tsx';
import { Term } from './Term.tsx';

type SortKey = 'group' | 'rows' | 'score';

// Where the model is weaker: the groups where it is clearly worse, in sentences, and a table of every
// group of every column with its score (bars), sortable.
export function WeakSection({ fast, slow }: { fast: FastEvaluation; slow?: SlowEvaluation }) {
  return (
    <section className="understand__section" aria-labelledby="w-title" data-testid="section-weak">
      <h2 id="w-title" className="card__title">Where is it weaker?</h2>
      {!slow ? <DeepProgress what="where the model is weaker" /> : <WeakContent fast={fast} slow={slow} />}
    </section>
  );
}

function WeakContent({ fast, slow }: { fast: FastEvaluation; slow: SlowEvaluation }) {
  const metric = slow.slice_metric;
  const overall = fast.metrics[metric]?.value ?? NaN;
  return (
    <>
      {slow.weak_spots.length === 0 ? (
        <p className="lead lead--section" data-testid="no-weak-spots">
          Augur found no group of rows where the model is clearly worse than overall ({formatScore(metric, overall)} {metricPlain(metric).label.toLowerCase()}).
        </p>
      ) : (
        <ul className="weak-spots" data-testid="weak-spots">
          {slow.weak_spots.map((w, i) => <li key={i}>{w.text}</li>)}
        </ul>
      )}
      <p className="muted">
        Augur checked {slow.conditions_tried.toLocaleString('en-US')} groups and names one only when it is worse beyond chance.{' '}
        <Term what="With many groups, some look worse by luck alone. Augur only names a group when its score stays worse even allowing for that.">
          Why so careful?
        </Term>
      </p>
      <SliceTable slices={slow.slices} metric={metric} overall={overall} outcome={fast.task === 'binary' ? `Share “${fast.classes?.[1] ?? 'yes'}”` : fast.task === 'regression' ? 'Average real value' : 'Share of the most common answer'} />
    </>
  );
}

function groupName(s: Slice): string {
  if (s.missing) return 'empty';
  if (s.other) return 'other values';
  if (s.category !== undefined) return `“${s.category}”`;
  if (s.range) return s.range[0] === s.range[1] ? formatNumber(s.range[0]) : `${formatNumber(s.range[0])} to ${formatNumber(s.range[1])}`;
  return '';
}

function SliceTable({ slices, metric, overall, outcome }: { slices: Slice[]; metric: SlowEvaluation['slice_metric']; overall: number; outcome: string }) {
  const columns = useMemo(() => [...new Set(slices.map((s) => s.column))], [slices]);
  const [column, setColumn] = useState<string>('');
  const [sort, setSort] = useState<{ key: SortKey; down: boolean }>({ key: 'score', down: !lowerIsBetter(metric) ? false : true });
  const shown = useMemo(() => {
    const rows = slices.filter((s) => !column || s.column === column);
    const worseFirst = (a: Slice, b: Slice) => (lowerIsBetter(metric) ? b.value - a.value : a.value - b.value);
    const cmp = (a: Slice, b: Slice) => {
      if (sort.key === 'rows') return a.rows - b.rows;
      if (sort.key === 'group') return `${a.column} ${groupName(a)}`.localeCompare(`${b.column} ${groupName(b)}`);
      if (a.too_few !== b.too_few) return a.too_few ? 1 : -1;
      return worseFirst(a, b);
    };
    const sorted = [...rows].sort(cmp);
    return sort.down ? sorted.reverse() : sorted;
  }, [slices, column, sort, metric]);
  const percent = isPercent(metric);
  const max = percent ? 1 : Math.max(...slices.map((s) => s.ci?.[1] ?? s.value).filter(Number.isFinite), overall);
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.down ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="th-sort" onClick={() => setSort({ key, down: sort.key === key ? !sort.down : key === 'rows' })} data-testid={`sort-${key}`}>
        {label} {sort.key === key ? (sort.down ? '▼' : '▲') : ''}
      </button>
    </th>
  );
  return (
    <div className="card card--inner">
      <div className="slice-head">
        <h3 className="card__subtitle">{metricPlain(metric).label} for each group of rows</h3>
        <label className="muted">
          Column{' '}
          <select value={column} onChange={(e) => setColumn(e.target.value)} data-testid="slice-column">
            <option value="">All columns</option>
            {columns.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      </div>
      <p className="muted">The line in each bar is the model overall ({formatScore(metric, overall)}); the pale part is the range the group’s score is probably in.</p>
      <table className="slices" data-testid="slice-table">
        <thead>
          <tr>
            {header('group', 'Group')}
            {header('rows', 'Rows')}
            {header('score', metricPlain(metric).label)}
            <th scope="col">{outcome}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s, i) => (
            <tr key={`${s.column}-${groupName(s)}-${i}`} className={s.too_few ? 'slice--few' : ''}>
              <td><span className="muted">{s.column}</span> {groupName(s)}</td>
              <td className="num">{s.rows.toLocaleString('en-US')}</td>
              <td className="slice__score">
                {s.too_few ? (
                  <span className="muted">too few rows to judge</span>
                ) : (
                  <ScoreBar value={s.value} ci={s.ci} overall={overall} max={max} metric={metric} />
                )}
              </td>
              <td className="num muted">{s.outcome_share !== undefined ? pct(s.outcome_share) : s.outcome_mean !== undefined ? formatNumber(s.outcome_mean) : s.outcome_shares ? pct(Math.max(...s.outcome_shares)) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScoreBar({ value, ci, overall, max, metric }: { value: number; ci: [number, number] | null; overall: number; max: number; metric: SlowEvaluation['slice_metric'] }) {
  const at = (v: number) => `${Math.max(0, Math.min(100, (v / (max || 1)) * 100))}%`;
  return (
    <span className="score-bar" title={ci ? `probably ${intervalWords(metric, ci)}` : undefined}>
      <span className="score-bar__track">
        {ci && <span className="score-bar__ci" style={{ left: at(ci[0]), width: `calc(${at(ci[1])} - ${at(ci[0])})` }} />}
        <span className="score-bar__fill" style={{ width: at(value) }} />
        {Number.isFinite(overall) && <span className="score-bar__overall" style={{ left: at(overall) }} />}
      </span>
      <span className="score-bar__value">{formatScore(metric, value)}</span>
    </span>
  );
}
