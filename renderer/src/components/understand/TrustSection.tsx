import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FastEvaluation } from '../../../../shared/evaluation.ts';
import { Term } from './Term.tsx';

// Can its percentages be trusted: when it says 70 %, does it happen about 70 % of the time?
export function TrustSection({ fast }: { fast: FastEvaluation }) {
  const c = fast.calibration;
  if (!c) return null;
  const bins = (c.correction?.bins_after ?? c.bins).filter((b) => b.rows > 0);
  const data = bins.map((b) => ({ said: b.predicted * 100, happened: b.observed * 100, rows: b.rows }));
  return (
    <section className="understand__section" aria-labelledby="t-title" data-testid="section-trust">
      <h2 id="t-title" className="card__title">Can you trust its percentages?</h2>
      <p className="lead lead--section">{c.text}</p>
      <div className="chart" role="img" aria-label="What the model said against how often it happened" data-testid="reliability-chart">
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={data} margin={{ top: 10, right: 24, bottom: 20, left: 8 }}>
            <CartesianGrid stroke="#e5ebea" />
            <XAxis dataKey="said" type="number" domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={12} stroke="#7a8a88"
              label={{ value: 'When the model says…', position: 'insideBottom', offset: -12, fontSize: 12 }} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={12} stroke="#7a8a88" width={48} />
            <Tooltip formatter={(v, n) => [`${Number(v).toFixed(0)}%`, n === 'happened' ? 'it happened' : 'perfectly honest']} labelFormatter={(v) => `When it said about ${Number(v).toFixed(0)}%`} />
            <Line data={[{ said: 0, happened: 0 }, { said: 100, happened: 100 }]} dataKey="happened" name="honest" stroke="#b8c4c2" strokeDasharray="5 5" dot={false} isAnimationActive={false} legendType="none" />
            <Line dataKey="happened" stroke="#2f6f6a" strokeWidth={2.5} dot={{ r: 4 }} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted">
        On the dashed line the model’s chances would be exactly right.{' '}
        {c.correction ? (
          <Term what="Augur found that the model’s raw percentages were a little off, learned a correction on rows it had not trained on, and keeps it with the model: predictions you make with it use the corrected percentages.">
            Augur corrects its percentages.
          </Term>
        ) : (
          <Term what="Augur tried correcting the percentages on rows the model had not learned from; no correction made them more honest, so none is applied.">
            No correction was needed.
          </Term>
        )}
      </p>
    </section>
  );
}
