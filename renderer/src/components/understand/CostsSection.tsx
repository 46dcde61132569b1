import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FastEvaluation } from '../../../../shared/evaluation.ts';
import { useAugur } from '../../store.ts';
import { formatNumber, pct } from './format.ts';
import { Term } from './Term.tsx';

// Two outcomes: what a missed case and a false alarm cost decide where the model draws the line
// between them (the threshold it keeps and uses for its predictions).
export function CostsSection({ fast, target }: { fast: FastEvaluation; target: string }) {
  const saved = useAugur((s) => s.costs);
  const busy = useAugur((s) => s.costsBusy);
  const setCosts = useAugur((s) => s.setCosts);
  const [missed, setMissed] = useState(String(saved?.missed ?? 5));
  const [alarm, setAlarm] = useState(String(saved?.falseAlarm ?? 1));
  const positive = fast.classes?.[1] ?? 'yes';
  const t = fast.threshold;
  const m = Number(missed), a = Number(alarm);
  const valid = Number.isFinite(m) && Number.isFinite(a) && m >= 0 && a >= 0 && m + a > 0;
  return (
    <section className="understand__section" aria-labelledby="c-title" data-testid="section-costs">
      <h2 id="c-title" className="card__title">What do mistakes cost you?</h2>
      <p className="lead lead--section">
        The model gives each row a chance of “{positive}”. Where to draw the line depends on which mistake hurts more: missing a real “{positive}”, or
        acting on one that was not.
      </p>
      <form className="costs" onSubmit={(e) => { e.preventDefault(); if (valid) void setCosts(m, a); }}>
        <label className="field">
          <span className="field__label">A missed “{positive}” costs</span>
          <input type="number" min={0} step="any" value={missed} onChange={(e) => setMissed(e.target.value)} data-testid="cost-missed" />
        </label>
        <label className="field">
          <span className="field__label">A false alarm costs</span>
          <input type="number" min={0} step="any" value={alarm} onChange={(e) => setAlarm(e.target.value)} data-testid="cost-alarm" />
        </label>
        <button type="submit" className="btn btn--primary" disabled={!valid || busy} data-testid="apply-costs">{busy ? 'Working it out…' : 'Find the best line'}</button>
        <span className="muted">
          <Term what="Money (for example 120 for a lost customer and 5 for a call that was not needed) or just how many times worse one mistake is than the other.">
            In what units?
          </Term>
        </span>
      </form>
      {t && (
        <>
          <p className="threshold-sentence" data-testid="threshold-sentence">{t.text}</p>
          <p className="muted">
            Out of 100 rows, the model would flag {Math.round(t.flagged * 100)}. Per 1,000 rows this costs {formatNumber(1000 * (t.at_half - t.cost_per_row))} less than the usual 50% line
            {t.flag_none > t.cost_per_row ? ` and ${formatNumber(1000 * (t.flag_none - t.cost_per_row))} less than flagging nobody` : ''}. Predictions made with this model now use this line.
          </p>
          <p className="muted chart__caption">Cost per 1,000 rows for each line the model could draw</p>
          <div className="chart" role="img" aria-label="Cost per 1,000 rows for each line the model could draw" data-testid="cost-curve">
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={t.curve.map((p) => ({ at: p.threshold * 100, cost: 1000 * p.cost_per_row }))} margin={{ top: 26, right: 24, bottom: 20, left: 8 }}>
                <CartesianGrid stroke="#e5ebea" />
                <XAxis dataKey="at" type="number" domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={12} stroke="#7a8a88"
                  label={{ value: `Flag a row when its chance of “${positive}” is above…`, position: 'insideBottom', offset: -12, fontSize: 12 }} />
                <YAxis fontSize={12} stroke="#7a8a88" width={60} tickFormatter={formatNumber} />
                <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Cost per 1,000 rows']} labelFormatter={(v) => `Line at ${Number(v).toFixed(0)}%`} />
                <ReferenceLine x={t.threshold * 100} stroke="#f0a63a" strokeWidth={2} label={{ value: `best: ${pct(t.threshold)}`, position: 'top', fontSize: 12 }} />
                <Line dataKey="cost" stroke="#2f6f6a" strokeWidth={2.5} dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
      {!t && <p className="muted">Until you set costs, the model says “{positive}” for “{target}” when the chance is at least 50%.</p>}
    </section>
  );
}
