import type { FastEvaluation } from '../../../../shared/evaluation.ts';
import { pct } from './format.ts';
import { Term } from './Term.tsx';

// The range (amounts) or the set of answers (categories) that holds the real outcome 9 times in 10.
export function RangesSection({ fast }: { fast: FastEvaluation }) {
  const c = fast.conformal;
  if (!c) return null;
  return (
    <section className="understand__section" aria-labelledby="r-title" data-testid="section-ranges">
      <h2 id="r-title" className="card__title">How sure is each prediction?</h2>
      <p className="lead lead--section">{c.text}</p>
      <div className="coverage" aria-label="How often the range held the real value on rows the model did not learn from">
        <div className="coverage__bar">
          <span className="coverage__fill" style={{ width: `${Math.min(100, c.observed_coverage * 100)}%` }} />
          <span className="coverage__target" style={{ left: `${c.coverage * 100}%` }} />
        </div>
        <p className="muted">
          On rows the model did not learn from, the {fast.task === 'regression' ? 'range' : 'answers named'} held the real outcome{' '}
          <strong>{pct(c.observed_coverage)}</strong> of the time (the aim: {pct(c.coverage)}).{' '}
          <Term what="A promise about how often the real value falls inside the range Augur gives with each prediction, checked on rows the model never saw. Predictions you make with this model come with such a range.">
            What is this range?
          </Term>
        </p>
        {fast.task !== 'regression' && c.single_answer_share !== undefined && (
          <p className="muted">For {pct(c.single_answer_share)} of rows one answer is enough; for the others Augur names the few answers it cannot tell apart.</p>
        )}
      </div>
    </section>
  );
}
