import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration, formatNumber, metricPlain, scoreForChart } from '../format.ts';

/** A round tick step (1, 2 or 5 × 10^k) giving about four intervals over `span`. */
function niceStep(span: number): number {
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Y range with some air, on round ticks; percent metrics stay within 0–100%. */
export function yAxis(values: number[], percent: boolean): { domain: [number, number]; ticks: number[] } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.15, percent ? 2 : Math.abs(hi) * 0.05 || 1);
  const step = Math.max(niceStep(hi - lo + 2 * pad), percent ? 5 : 0);
  let a = Math.floor((lo - pad) / step) * step;
  let b = Math.ceil((hi + pad) / step) * step;
  if (percent) {
    a = Math.max(0, a);
    b = Math.min(100, b);
  }
  if (lo >= 0 && a < 0) a = 0; // errors and shares are never negative
  const ticks: number[] = [];
  for (let v = a; v <= b + step * 1e-6; v += step) ticks.push(Number(v.toPrecision(12)));
  return { domain: [a, b], ticks };
}

// Best score so far against time: shows the search is still finding better models (or has levelled off).
// `spanS` (the budget) fixes the time axis while a run is live, so the line grows from left to right.
export function ScoreChart({ history, metric, spanS }: { history: { t: number; score: number }[]; metric?: string; spanS?: number }) {
  if (!metric || history.length === 0) {
    return <div className="chart chart--empty muted">The best score so far will be drawn here.</div>;
  }
  const plain = metricPlain(metric);
  const data = history.map((p) => ({ t: Math.round(p.t * 10) / 10, v: scoreForChart(metric, p.score) }));
  const maxT = Math.max(spanS ?? 0, ...data.map((d) => d.t), 1);
  const fmt = (v: number) => (plain.percent ? `${Math.round(v)}%` : formatNumber(v));
  return (
    <div className="chart" data-testid="score-chart" aria-label={`Best ${plain.label.toLowerCase()} over time`} role="img">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 10, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e5ebea" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[0, Math.ceil(maxT)]}
            allowDecimals={false}
            tickCount={6}
            tickFormatter={(t: number) => formatDuration(t)}
            stroke="#7a8a88"
            fontSize={12}
          />
          <YAxis {...yAxis(data.map((d) => d.v), plain.percent)} tickFormatter={fmt} stroke="#7a8a88" fontSize={12} width={56} />
          <Tooltip formatter={(v) => [fmt(Number(v)), `Best ${plain.label.toLowerCase()}`]} labelFormatter={(t) => `after ${formatDuration(Number(t))}`} />
          <Line type="stepAfter" dataKey="v" stroke="#2f6f6a" strokeWidth={2.5} dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <p className="chart__caption muted">Best {plain.label.toLowerCase()} found so far</p>
    </div>
  );
}
