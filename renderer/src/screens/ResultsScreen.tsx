import { useEffect, useState } from 'react';
import { Leaderboard } from '../components/Leaderboard.tsx';
import { UPCOMING } from '../components/Stepper.tsx';
import { CostsSection } from '../components/understand/CostsSection.tsx';
import { DriversSection } from '../components/understand/DriversSection.tsx';
import { MoreDataSection } from '../components/understand/MoreDataSection.tsx';
import { QualitySection } from '../components/understand/QualitySection.tsx';
import { RangesSection } from '../components/understand/RangesSection.tsx';
import { TrustSection } from '../components/understand/TrustSection.tsx';
import { Verdict } from '../components/understand/Verdict.tsx';
import { WeakSection } from '../components/understand/WeakSection.tsx';
import { formatDuration, formatScore, metricPlain, plural, taskWords } from '../format.ts';
import { useAugur } from '../store.ts';

type Tab = 'quality' | 'weak' | 'trust' | 'ranges' | 'drivers' | 'costs' | 'more' | 'models';

// Step 4: the best model, whether it is ready to use, and everything that helps a person understand it.
export function ResultsScreen() {
  const run = useAugur((s) => s.run)!;
  const evaluation = useAugur((s) => s.evaluation);
  const deepJob = useAugur((s) => s.deepJob);
  const goTo = useAugur((s) => s.goTo);
  const loadDeep = useAugur((s) => s.loadDeep);
  const [tab, setTab] = useState<Tab>('quality');
  const plain = metricPlain(run.metric);
  const fast = evaluation?.fast;
  // The closer look starts when the page opens (it can be stopped from any section that waits for it).
  useEffect(() => {
    if (fast) void loadDeep();
  }, [fast, loadDeep]);
  const tabs: { id: Tab; label: string; show: boolean }[] = [
    { id: 'quality', label: 'How good is it?', show: !!fast },
    { id: 'weak', label: 'Where is it weaker?', show: !!fast },
    { id: 'trust', label: 'Trust its percentages?', show: !!fast?.calibration },
    { id: 'ranges', label: 'How sure is each answer?', show: !!fast?.conformal },
    { id: 'drivers', label: 'What drives it?', show: !!fast },
    { id: 'costs', label: 'What do mistakes cost?', show: run.task === 'binary' && !!fast },
    { id: 'more', label: 'More data?', show: !!fast },
    { id: 'models', label: 'All models tried', show: true },
  ];
  const shown = tabs.filter((t) => t.show);
  const current = shown.some((t) => t.id === tab) ? tab : shown[0].id;
  const verdict = evaluation?.deep?.slow.verdict ?? fast?.verdict;
  return (
    <section className="screen" aria-labelledby="results-title">
      <header className="screen__head">
        <h1 id="results-title" tabIndex={-1}>Your model for “{run.target}”</h1>
        <p className="lead lead--result" data-testid="results-sentence">
          {run.sentence}
        </p>
      </header>

      {verdict && <Verdict verdict={verdict} updating={!!deepJob} />}

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

      <div className="card understand">
        <div className="tabs" role="tablist" aria-label="Understand the model">
          {shown.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={current === t.id} aria-controls={`panel-${t.id}`}
              className={`tabs__tab${current === t.id ? ' is-current' : ''}`} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`} className="tabs__panel">
          {fast && current === 'quality' && <QualitySection fast={fast} target={run.target} />}
          {fast && current === 'weak' && <WeakSection fast={fast} slow={evaluation?.deep?.slow} />}
          {fast && current === 'trust' && <TrustSection fast={fast} />}
          {fast && current === 'ranges' && <RangesSection fast={fast} />}
          {fast && current === 'drivers' && <DriversSection fast={fast} target={run.target} />}
          {fast && current === 'costs' && <CostsSection fast={fast} target={run.target} />}
          {fast && current === 'more' && <MoreDataSection />}
          {current === 'models' && (
            <section className="understand__section" data-testid="section-models">
              <h2 className="card__title">All models tried</h2>
              <p className="muted">{plain.hint}</p>
              <Leaderboard rows={run.leaderboard} limit={15} expandable total={run.modelsTried} />
            </section>
          )}
        </div>
      </div>

      {UPCOMING.length > 0 && (
        <div className="upcoming-note muted" data-testid="upcoming">
          {UPCOMING.map((u) => (
            <p key={u.step}>
              <strong>{u.title}</strong> — {u.soon}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}
