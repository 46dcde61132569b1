import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { LearningCurve } from '../../../../shared/evaluation.ts';
import { useAugur } from '../../store.ts';
import { DeepProgress } from './DeepProgress.tsx';
import { chartValue, formatNumber, formatScore, isPercent, lowerIsBetter, metricPlain } from './format.ts';

// "Do I need more data?": the model's score when it learned from fewer rows, and where the fitted curve
// says twice the rows would take it.
export function MoreDataSection() {
  const deep = useAugur((s) => s.evaluation?.deep);
  return (
    <section className="understand__section" aria-labelledby="m-title" data-testid="section-more-data">
      <h2 id="m-title" className="card__title">Would more data help?</h2>
      {!deep ? <DeepProgress what="whether more rows would help" /> : deep.learning ? <Curve c={deep.learning} /> : <p className="muted">This model is the simple baseline, so there is no learning curve to draw.</p>}
    </section>
  );
}

function Curve({ c }: { c: LearningCurve }) {
  const m = c.metric;
  const v = (x: number) => chartValue(m, x);
  const points = c.points.map((p) => ({ rows: p.rows, score: v(p.score) }));
  const maxRows = c.doubling?.rows ?? Math.max(...c.points.map((p) => p.rows));
  const fitted: { rows: number; fit: number }[] = [];
  if (c.fit.kind !== 'none' && points.length) {
    const n = points.at(-1)!.rows;
    const lower = lowerIsBetter(m);
    const err = (r: number) => (c.fit.kind === 'power' ? c.fit.a * r ** -c.fit.b + c.fit.c : c.fit.a + c.fit.b * Math.log2(r));
    for (let k = 0; k <= 40; k++) {
      const rows = points[0].rows + ((maxRows - points[0].rows) * k) / 40;
      const e = err(rows / n);
      // the fit models the error: a score that grows is 1 − error (or the error itself for "lower is better" metrics)
      fitted.push({ rows, fit: v(lower ? e : 1 - e) });
    }
  }
  return (
    <>
      <p className="lead lead--section" data-testid="more-data-advice">{c.advice}</p>
      <div className="chart" role="img" aria-label="Score against the number of rows learned from" data-testid="learning-chart">
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart margin={{ top: 10, right: 24, bottom: 20, left: 8 }}>
            <CartesianGrid stroke="#e5ebea" />
            <XAxis dataKey="rows" type="number" domain={[0, Math.ceil(maxRows)]} tickFormatter={formatNumber} fontSize={12} stroke="#7a8a88"
              label={{ value: 'Rows learned from', position: 'insideBottom', offset: -12, fontSize: 12 }} />
            <YAxis type="number" domain={['auto', 'auto']} fontSize={12} stroke="#7a8a88" width={56} tickFormatter={(x: number) => (isPercent(m) ? `${formatNumber(x)}%` : formatNumber(x))} />
            <Tooltip formatter={(x, n) => [isPercent(m) ? `${Number(x).toFixed(1)}%` : formatNumber(Number(x)), n === 'fit' ? 'Expected' : metricPlain(m).label]} labelFormatter={(r) => `${formatNumber(Number(r))} rows`} />
            <Line data={fitted} dataKey="fit" stroke="#9fb3b0" strokeDasharray="6 4" dot={false} isAnimationActive={false} />
            <Scatter data={points} dataKey="score" fill="#2f6f6a" isAnimationActive={false} line={{ stroke: '#2f6f6a', strokeWidth: 2 }} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted">
        Dots: the model’s {metricPlain(m).label.toLowerCase()} when it learned from part of the rows. Dashed: the trend, carried on to twice the rows
        {c.doubling ? ` (${formatScore(m, c.doubling.predicted)})` : ''}.{c.capped ? ' Augur stopped after its time limit, so the curve is rougher.' : ''}
      </p>
    </>
  );
}
