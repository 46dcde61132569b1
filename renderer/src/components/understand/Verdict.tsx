import type { VerdictOut } from '../../../../shared/evaluation.ts';

const TITLES = { ready: 'Ready to use', care: 'Use with care', not_ready: 'Not ready yet' } as const;
const ICONS = { ready: '✓', care: '!', not_ready: '✕' } as const;

// The one judgement on top of the Results screen, with each reason in a sentence.
export function Verdict({ verdict, updating }: { verdict: VerdictOut; updating: boolean }) {
  const reasons = [...verdict.reasons].sort((a, b) => rank(a.level) - rank(b.level));
  return (
    <div className={`card verdict verdict--${verdict.level}`} data-testid="verdict" role="status">
      <div className="verdict__head">
        <span className="verdict__icon" aria-hidden="true">{ICONS[verdict.level]}</span>
        <div>
          <span className="fact__label">Can you use this model?</span>
          <h2 className="verdict__title" data-testid="verdict-level">{TITLES[verdict.level]}</h2>
        </div>
        {updating && <span className="muted verdict__updating">Still looking closer…</span>}
      </div>
      <ul className="verdict__reasons">
        {reasons.map((r, i) => (
          <li key={`${r.code}-${r.column ?? ''}-${i}`} className={`verdict__reason verdict__reason--${r.level}`}>
            {r.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

const rank = (l: VerdictOut['level']) => (l === 'not_ready' ? 0 : l === 'care' ? 1 : 2);
