import { Leaderboard } from '../components/Leaderboard.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { lazy, Suspense } from 'react';
import { formatDuration, formatEta, formatInt, formatScore, goalsFor, metricPlain, plural } from '../format.ts';
import { BUDGET_SECONDS, CUSTOM_MAX_S, CUSTOM_MIN_S, bestOf, useAugur, type BudgetChoice } from '../store.ts';

// recharts is most of the bundle: load it only when a chart is about to be drawn.
const ScoreChart = lazy(() => import('../components/ScoreChart.tsx').then((m) => ({ default: m.ScoreChart })));

const CHOICES: { choice: Exclude<BudgetChoice, 'custom'>; title: string; words: string }[] = [
  { choice: 'quick', title: 'Quick', words: 'A first answer' },
  { choice: 'better', title: 'Better', words: 'Usually a little more accurate' },
  { choice: 'best', title: 'Best', words: 'For the model you will rely on' },
];

// Step 3: choose how long to search, watch models being tried, stop any time.
export function TrainScreen() {
  const report = useAugur((s) => s.report);
  const live = useAugur((s) => s.train);
  const run = useAugur((s) => s.run);
  const trials = useAugur((s) => s.trials);
  const history = useAugur((s) => s.history);
  const metric = run?.metric ?? bestOf(trials)?.metric ?? trials[0]?.metric;
  // a finished run keeps only its best 100 rows; the count is of every model tried
  const tried = live ? Math.max(live.trialsDone, trials.length) : (run?.modelsTried ?? trials.length);

  return (
    <section className="screen" aria-labelledby="train-title">
      <header className="screen__head">
        <h1 id="train-title" tabIndex={-1}>Train a model for “{report?.target?.name}”</h1>
        <p className="lead">Augur tries many kinds of models and keeps the one that predicts best on rows it did not learn from.</p>
      </header>

      {run && !live && <RunDone />}
      {!live && <BudgetPicker />}
      {live && <LiveProgress />}

      {(live || trials.length > 0) && (
        <div className="grid-2">
          <div className="card">
            <h2 className="card__title">Models tried {tried > 0 && <span className="count" data-testid="tried-count">{formatInt(tried)}</span>}</h2>
            <Leaderboard rows={trials} limit={10} total={tried} />
          </div>
          <div className="card">
            <h2 className="card__title">Progress of the search</h2>
            <Suspense fallback={<div className="chart chart--empty muted">Loading the chart…</div>}>
              <ScoreChart history={history} metric={metric} spanS={live?.budgetS} />
            </Suspense>
          </div>
        </div>
      )}
    </section>
  );
}

function BudgetPicker() {
  const budget = useAugur((s) => s.budget);
  const customS = useAugur((s) => s.customS);
  const setBudget = useAugur((s) => s.setBudget);
  const start = useAugur((s) => s.startTraining);
  const canTrain = useAugur((s) => !!s.report?.canTrain && !s.checking);
  const run = useAugur((s) => s.run);
  const seconds = useAugur((s) => s.budgetSeconds());
  return (
    <div className="card">
      <h2 className="card__title" id="budget-label">How long may Augur search?</h2>
      <div className="budgets" role="radiogroup" aria-labelledby="budget-label">
        {CHOICES.map(({ choice, title, words }) => (
          <button
            key={choice}
            type="button"
            role="radio"
            aria-checked={budget === choice}
            className="budget"
            onClick={() => setBudget(choice)}
            data-testid={`budget-${choice}`}
          >
            <span className="budget__title">{title}</span>
            <span className="budget__time">≈ {formatDuration(BUDGET_SECONDS[choice])}</span>
            <span className="budget__words">{words}</span>
          </button>
        ))}
        <div className={`budget budget--custom${budget === 'custom' ? ' is-checked' : ''}`} role="radio" aria-checked={budget === 'custom'} tabIndex={-1}>
          <span className="budget__title">Custom</span>
          <label className="budget__custom">
            <input
              type="number"
              min={CUSTOM_MIN_S}
              max={CUSTOM_MAX_S}
              step={1}
              value={customS}
              aria-label="Custom time in seconds"
              data-testid="budget-custom"
              onFocus={() => setBudget('custom')}
              onChange={(e) => setBudget('custom', e.target.valueAsNumber)}
            />
            seconds
          </label>
          <span className="budget__words">Between {CUSTOM_MIN_S} s and 24 h</span>
        </div>
      </div>
      <GoalPicker />
      <div className="actions">
        <button type="button" className="btn btn--primary btn--big" disabled={!canTrain} onClick={() => void start()} data-testid="start-training">
          {run ? 'Train again' : 'Start training'} ({formatDuration(seconds)})
        </button>
        <span className="muted">You can stop at any time and keep the best model found so far.</span>
      </div>
    </div>
  );
}

// Which score decides the best model: the task's default unless the user asks for another.
function GoalPicker() {
  const task = useAugur((s) => s.report?.target?.task);
  const metric = useAugur((s) => s.chosenMetric());
  const setMetric = useAugur((s) => s.setMetric);
  if (!task || !metric) return null;
  return (
    <label className="field goal">
      <span className="field__label">What makes a model the best?</span>
      <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="metric-select">
        {goalsFor(task).map((g) => (
          <option key={g.metric} value={g.metric}>
            {g.title}
          </option>
        ))}
      </select>
      <span className="muted" data-testid="metric-hint">
        {metricPlain(metric).hint}
      </span>
    </label>
  );
}

function LiveProgress() {
  const live = useAugur((s) => s.train)!;
  const trials = useAugur((s) => s.trials);
  const cancel = useAugur((s) => s.cancelTraining);
  const best = bestOf(trials);
  const fraction = live.budgetS > 0 ? live.elapsedS / live.budgetS : undefined;
  return (
    <div className="card job" data-testid="train-progress">
      <div className="job__row">
        <div>
          <p className="job__title">{live.cancelling ? 'Stopping and keeping the best model…' : 'Training…'}</p>
          <p className="muted">
            {trials.length === 0 && live.trialsDone === 0 ? `${(live.message ?? 'Preparing your data and the first models').replace(/[.…\s]+$/, '')}… · ` : ''}
            {plural(Math.max(live.trialsDone, trials.length), 'model')} tried
            {live.elapsedS > 0 ? ` · ${formatEta(live.budgetS - live.elapsedS)}` : ''}
            {best ? ` · best so far: ${best.model}, ${metricPlain(best.metric).label.toLowerCase()} ${formatScore(best.metric, best.score)}` : ''}
          </p>
        </div>
        <button type="button" className="btn" disabled={live.cancelling} onClick={() => void cancel()} data-testid="cancel-training">
          Stop and keep the best
        </button>
      </div>
      <ProgressBar fraction={fraction} label="Training progress" />
    </div>
  );
}

function RunDone() {
  const run = useAugur((s) => s.run)!;
  const goTo = useAugur((s) => s.goTo);
  return (
    <div className="card done" data-testid="run-done">
      <p className="done__sentence" data-testid="run-sentence">
        {run.sentence}
      </p>
      {run.note && <p className="muted">{run.note}</p>}
      <p className="muted" data-testid="run-count">
        {plural(run.modelsTried, 'model')} tried in {formatDuration(run.elapsedS)}{run.cancelled && !run.note ? ' before you stopped the search' : ''}.
      </p>
      <div className="actions">
        <button type="button" className="btn btn--primary btn--big" onClick={() => goTo('results')} data-testid="to-results">
          See the results →
        </button>
      </div>
    </div>
  );
}
