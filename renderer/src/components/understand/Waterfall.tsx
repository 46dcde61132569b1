import type { RowExplanation } from '../../../../shared/evaluation.ts';
import { formatNumber, pct } from './format.ts';

// Why the model said what it did about one row: from the average row's answer, each column pushes it up
// or down, ending at this row's answer. Drawn as bars (one per column) on one shared scale.
export function Waterfall({ e, amount }: { e: RowExplanation; amount: boolean }) {
  const hasShown = e.contributions.some((c) => c.shown !== undefined);
  const step = (c: RowExplanation['contributions'][number]) => (hasShown ? c.shown ?? 0 : c.contribution);
  const start = hasShown ? e.baseShown : e.base;
  const end = hasShown ? e.shown : e.prediction;
  const top = e.contributions.slice(0, 8);
  const rest = e.contributions.slice(8);
  const restSum = rest.reduce((s, c) => s + step(c), 0);
  const bars: { label: string; value: string | null; from: number; to: number }[] = [];
  let at = start;
  for (const c of top) {
    bars.push({ label: c.column, value: c.value, from: at, to: at + step(c) });
    at += step(c);
  }
  if (rest.length) bars.push({ label: `${rest.length} other columns`, value: null, from: at, to: at + restSum });
  const all = [start, end, ...bars.flatMap((b) => [b.from, b.to])];
  const lo = Math.min(...all), hi = Math.max(...all);
  const span = hi - lo || 1;
  const x = (v: number) => `${((v - lo) / span) * 100}%`;
  const show = (v: number) => (amount || !hasShown ? formatNumber(v) : pct(v, 1));
  const delta = (v: number) => (amount || !hasShown ? `${v >= 0 ? '+' : '−'}${formatNumber(Math.abs(v))}` : `${v >= 0 ? '+' : '−'}${(Math.abs(v) * 100).toFixed(1)} points`);
  return (
    <div className="waterfall" data-testid="waterfall" role="img" aria-label="How each column moved this row's answer">
      <div className="waterfall__row waterfall__row--edge">
        <span className="waterfall__label">An average row</span>
        <span className="waterfall__track"><span className="waterfall__mark" style={{ left: x(start) }} /></span>
        <span className="waterfall__num">{show(start)}</span>
      </div>
      {bars.map((b, i) => {
        const up = b.to >= b.from;
        return (
          <div key={i} className="waterfall__row">
            <span className="waterfall__label" title={b.value ?? undefined}>
              {b.label}
              {b.value !== null && <span className="muted"> = {b.value === '' ? 'empty' : b.value}</span>}
            </span>
            <span className="waterfall__track">
              <span className={`waterfall__bar ${up ? 'waterfall__bar--up' : 'waterfall__bar--down'}`} style={{ left: x(Math.min(b.from, b.to)), width: `max(2px, calc(${x(Math.max(b.from, b.to))} - ${x(Math.min(b.from, b.to))}))` }} />
            </span>
            <span className={`waterfall__num ${up ? 'is-up' : 'is-down'}`}>{delta(b.to - b.from)}</span>
          </div>
        );
      })}
      <div className="waterfall__row waterfall__row--edge">
        <span className="waterfall__label"><strong>This row</strong></span>
        <span className="waterfall__track"><span className="waterfall__mark waterfall__mark--end" style={{ left: x(end) }} /></span>
        <span className="waterfall__num"><strong>{show(end)}</strong></span>
      </div>
    </div>
  );
}
