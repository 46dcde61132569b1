import { Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { FastEvaluation } from '../../../../shared/evaluation.ts';
import { metricSpec, type MetricName } from '../../../../shared/metrics.ts';
import { formatNumber, formatScore, intervalWords, isPercent, metricPlain, pct } from './format.ts';
import { Term } from './Term.tsx';

const KEY_METRICS: Record<FastEvaluation['task'], MetricName[]> = {
  binary: ['accuracy', 'balanced_accuracy', 'roc_auc', 'pr_auc'],
  multiclass: ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc'],
  regression: ['mae', 'rmse', 'r2'],
};

// How good the model is: its scores beside always guessing, with how sure each score is, and the charts
// a person reads best for the task (who it finds first; where it is right and wrong; how far off amounts are).
export function QualitySection({ fast, target }: { fast: FastEvaluation; target: string }) {
  return (
    <section className="understand__section" aria-labelledby="q-title" data-testid="section-quality">
      <h2 id="q-title" className="card__title">How good is it?</h2>
      <p className="muted">Each score is measured on rows the model did not learn from, beside what always guessing the most common answer (or the average) would get. The pale band is where the score probably lies.</p>
      <MetricBars fast={fast} />
      {fast.task === 'binary' && fast.charts.curves?.[0] && <GainChart fast={fast} target={target} />}
      {fast.task !== 'regression' && fast.charts.confusion && <Confusion fast={fast} />}
      {fast.task === 'regression' && fast.charts.amounts && <AmountCharts fast={fast} target={target} />}
    </section>
  );
}

/** A metric's name in words, without the technical name in brackets: "Right answers". */
function plainName(m: MetricName): string {
  return metricSpec(m).longLabel.replace(/\s*\([^)]*\)\s*$/, '');
}

function MetricBars({ fast }: { fast: FastEvaluation }) {
  const names = KEY_METRICS[fast.task].filter((m) => fast.metrics[m]);
  return (
    <div className="metric-cards" data-testid="metric-cards">
      {names.map((m) => {
        const e = fast.metrics[m]!;
        const base = fast.baseline[m] ?? NaN;
        return (
          <div key={m} className="metric-card">
            <Term what={metricPlain(m).hint}>
              <span className="fact__label">{plainName(m)}</span>
            </Term>
            <span className="metric-card__value">{formatScore(m, e.value)}</span>
            {isPercent(m) && <RangeBar value={e.value} ci={e.ci} baseline={base} />}
            <span className="muted metric-card__ci">{e.ci ? `probably ${intervalWords(m, e.ci)}` : 'too few rows for a range'}</span>
            <span className="muted">Always guessing: {formatScore(m, base)}</span>
          </div>
        );
      })}
    </div>
  );
}

/** 0–100 % bar: the model's value, the range it is probably in, and a mark where guessing gets. */
function RangeBar({ value, ci, baseline }: { value: number; ci: [number, number] | null; baseline: number }) {
  const at = (v: number) => `${Math.max(0, Math.min(1, v)) * 100}%`;
  return (
    <span className="score-bar__track metric-card__bar" aria-hidden="true">
      {ci && <span className="score-bar__ci" style={{ left: at(ci[0]), width: `calc(${at(ci[1])} - ${at(ci[0])})` }} />}
      <span className="score-bar__fill" style={{ width: at(value) }} />
      {Number.isFinite(baseline) && <span className="metric-card__guess" style={{ left: at(baseline) }} title="always guessing" />}
    </span>
  );
}

/** Cumulative gain: flag the rows the model ranks highest first; how many of the real cases that reaches. */
function GainChart({ fast, target }: { fast: FastEvaluation; target: string }) {
  const curve = fast.charts.curves![0];
  const positive = fast.classes?.[1] ?? 'yes';
  const data = curve.gain.map((p) => ({ rows: p.rows * 100, found: p.found * 100, random: p.rows * 100 }));
  const at20 = interpolate(curve.gain.map((p) => [p.rows, p.found] as [number, number]), 0.2);
  return (
    <div className="card card--inner">
      <h3 className="card__subtitle">Who it finds first</h3>
      <p>
        If you go through the rows the model ranks most likely first, the top 20% of them hold <strong>{pct(at20)}</strong> of all the
        real “{positive}” cases of “{target}”. Picking at random, 20% would hold 20%.
      </p>
      <div className="chart" role="img" aria-label="Share of real cases found against share of rows checked" data-testid="gain-chart">
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={data} margin={{ top: 10, right: 24, bottom: 20, left: 8 }}>
            <CartesianGrid stroke="#e5ebea" />
            <XAxis dataKey="rows" type="number" domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={12} stroke="#7a8a88"
              label={{ value: 'Rows checked, most likely first', position: 'insideBottom', offset: -12, fontSize: 12 }} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={12} stroke="#7a8a88" width={48} />
            <Tooltip formatter={(v, n) => [`${Number(v).toFixed(0)}%`, n === 'found' ? `of the real “${positive}” found` : 'picking at random']} labelFormatter={(v) => `${Number(v).toFixed(0)}% of rows checked`} />
            <Line dataKey="random" stroke="#b8c4c2" strokeDasharray="5 5" dot={false} isAnimationActive={false} />
            <Line dataKey="found" stroke="#2f6f6a" strokeWidth={2.5} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

function interpolate(points: [number, number][], x: number): number {
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    if (x >= x0 && x <= x1) return x1 === x0 ? y1 : y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
  }
  return points.at(-1)?.[1] ?? NaN;
}

/** Where it is right and wrong, in words: "said yes, was no". */
function Confusion({ fast }: { fast: FastEvaluation }) {
  const classes = fast.classes ?? [];
  const { counts, row_shares: shares } = fast.charts.confusion!;
  if (classes.length > 8) return null;
  return (
    <div className="card card--inner">
      <h3 className="card__subtitle">Where it is right and where it is wrong</h3>
      <p className="muted">Each row of the table is what really happened; each column what the model said. The green cells are right answers.</p>
      <table className="confusion" data-testid="confusion">
        <thead>
          <tr>
            <th scope="col">Really was</th>
            {classes.map((c) => <th key={c} scope="col">Model said “{c}”</th>)}
          </tr>
        </thead>
        <tbody>
          {classes.map((actual, i) => (
            <tr key={actual}>
              <th scope="row">“{actual}”</th>
              {classes.map((said, j) => (
                <td key={said} className={i === j ? 'confusion__right' : shares[i][j] > 0.15 ? 'confusion__wrong' : ''}>
                  <strong>{counts[i][j].toLocaleString('en-US')}</strong>
                  <span className="muted"> ({pct(shares[i][j])})</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Amounts: predicted against real, and how far off the predictions are. */
function AmountCharts({ fast, target }: { fast: FastEvaluation; target: string }) {
  const a = fast.charts.amounts!;
  const all = a.points.flatMap((p) => [p.predicted, p.actual]);
  const lo = Math.min(...all), hi = Math.max(...all);
  const resid = a.residuals.map((r) => ({ mid: (r.from + r.to) / 2, rows: r.rows, label: `${formatNumber(r.from)} to ${formatNumber(r.to)}` }));
  return (
    <div className="chart-pair">
      <div className="card card--inner">
        <h3 className="card__subtitle">Predicted against real</h3>
        <p className="muted">Each dot is one row the model did not learn from. On the line, the prediction was exactly right.</p>
        <div className="chart" role="img" aria-label={`Predicted against real ${target}`} data-testid="amount-scatter">
          <ResponsiveContainer width="100%" height={260}>
            <ScatterChart margin={{ top: 10, right: 16, bottom: 20, left: 8 }}>
              <CartesianGrid stroke="#e5ebea" />
              <XAxis dataKey="predicted" type="number" domain={[lo, hi]} tickFormatter={formatNumber} fontSize={12} stroke="#7a8a88"
                label={{ value: 'Predicted', position: 'insideBottom', offset: -12, fontSize: 12 }} />
              <YAxis dataKey="actual" type="number" domain={[lo, hi]} tickFormatter={formatNumber} fontSize={12} stroke="#7a8a88" width={60} />
              <Tooltip formatter={(v) => formatNumber(Number(v))} />
              <ReferenceLine segment={[{ x: lo, y: lo }, { x: hi, y: hi }]} stroke="#b8c4c2" strokeDasharray="5 5" />
              <Scatter data={a.points} fill="#2f6f6a" fillOpacity={0.45} isAnimationActive={false} />
            </ScatterChart>
          </ResponsiveContainer>
        </div>
      </div>
      <div className="card card--inner">
        <h3 className="card__subtitle">How far off it is</h3>
        <p className="muted">How many rows missed by how much (real minus predicted). A tall, narrow hill around 0 is good.</p>
        <div className="chart" role="img" aria-label="How many rows missed by how much" data-testid="residuals">
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={resid} margin={{ top: 10, right: 16, bottom: 20, left: 8 }}>
              <CartesianGrid stroke="#e5ebea" vertical={false} />
              <XAxis dataKey="mid" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatNumber} fontSize={12} stroke="#7a8a88"
                label={{ value: 'Missed by', position: 'insideBottom', offset: -12, fontSize: 12 }} />
              <YAxis fontSize={12} stroke="#7a8a88" width={48} />
              <Tooltip formatter={(v) => [`${v} rows`, 'Rows']} labelFormatter={(_, p) => (p?.[0]?.payload as { label?: string } | undefined)?.label ?? ''} />
              <ReferenceLine x={0} stroke="#1d4a5c" />
              <Bar dataKey="rows" fill="#2f6f6a" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </div>
    </div>
  );
}
