import { Leaderboard } from '../components/Leaderboard.tsx';
import { UPCOMING } from '../components/Stepper.tsx';
import { formatDuration, formatScore, metricPlain, plural, taskWords } from '../format.ts';
import { useAugur } from '../store.ts';

// Step 4: the best model and how good it is, in plain words.
export function ResultsScreen() {
  const run = useAugur((s) => s.run)!;
  const goTo = useAugur((s) => s.goTo);
  const plain = metricPlain(run.metric);
  return (
    <section className="screen" aria-labelledby="results-title">
      <header className="screen__head">
        <h1 id="results-title" tabIndex={-1}>Your model for “{run.target}”</h1>
        <p className="lead lead--result" data-testid="results-sentence">
          {run.sentence}
        </p>
      </header>

      <div className="card best">
        <div className="best__main">
          <span className="fact__label">Best model</span>
          <span className="best__name" data-testid="best-model">{run.best.model}</span>
          <span className="muted">
            {run.task !== 'regression' && run.classes && run.classes.length > 0
              ? `Predicts one of: ${run.classes.slice(0, 6).join(', ')}${run.classes.length > 6 ? ', …' : ''}.`
              : `Predicts ${taskWords(run.task)}.`}{' '}
            Chosen from{' '}
            {plural(run.modelsTried, 'model')} in {formatDuration(run.elapsedS)}
            {run.cancelled ? ' (stopped early)' : ''}.
          </span>
        </div>
        <div className="best__score" title={plain.hint}>
          <span className="best__value">{formatScore(run.metric, run.best.score)}</span>
          <span className="fact__label">{plain.label}</span>
        </div>
      </div>
      {run.note && <p className="muted">{run.note}</p>}
      <div className="actions actions--tight">
        <button type="button" className="btn" onClick={() => goTo('train')}>
          Search longer for a better model
        </button>
        <button type="button" className="btn" onClick={() => goTo('check')}>
          Change the columns
        </button>
      </div>

      {run.quality.length > 0 && (
        <div className="quality" data-testid="quality">
          {run.quality.map((q) => (
            <div key={q.label} className="card quality__item">
              <span className="fact__label">{q.label}</span>
              <span className="quality__value">{q.value}</span>
              <p className="muted">{q.explanation}</p>
            </div>
          ))}
        </div>
      )}

      <div className="card">
        <h2 className="card__title">All models tried</h2>
        <p className="muted">{plain.hint}</p>
        <Leaderboard rows={run.leaderboard} limit={15} expandable total={run.modelsTried} />
      </div>

      <div className="upcoming-note muted" data-testid="upcoming">
        <p>Where the model is weaker, how sure it is about each prediction and which columns matter most will be shown here in a coming version.</p>
        {UPCOMING.map((u) => (
          <p key={u.step}>
            <strong>{u.title}</strong> — {u.soon}
          </p>
        ))}
      </div>
    </section>
  );
}
