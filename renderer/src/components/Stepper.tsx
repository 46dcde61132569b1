import { useShallow } from 'zustand/react/shallow';
import { reachable, useAugur, visibleStep, type Step } from '../store.ts';

const STEPS: { step: Step; title: string; soon?: string }[] = [
  { step: 'import', title: 'Import' },
  { step: 'check', title: 'Check' },
  { step: 'train', title: 'Train' },
  { step: 'results', title: 'Results' },
  { step: 'export', title: 'Export', soon: 'Coming soon: save the model and score new files with it.' },
  { step: 'monitor', title: 'Monitor', soon: 'Coming soon: see when new data drifts away from what the model learned.' },
];

// The wizard's steps; later steps open once the earlier ones are done.
export function Stepper() {
  const current = useAugur(visibleStep);
  const goTo = useAugur((s) => s.goTo);
  const can = useAugur(useShallow(reachable));
  return (
    <nav className="stepper" aria-label="Steps">
      <ol>
        {STEPS.map(({ step, title, soon }, i) => {
          const enabled = can[step];
          return (
            <li key={step} className={`stepper__item${current === step ? ' is-current' : ''}${soon ? ' is-soon' : ''}`}>
              <button
                type="button"
                disabled={!enabled}
                aria-current={current === step ? 'step' : undefined}
                title={soon ?? (enabled ? undefined : 'Finish the earlier steps first.')}
                onClick={() => goTo(step)}
                data-testid={`step-${step}`}
              >
                <span className="stepper__num" aria-hidden="true">{i + 1}</span>
                <span className="stepper__title">{title}</span>
                {soon && <span className="stepper__soon">soon</span>}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

export const UPCOMING = STEPS.filter((s) => s.soon);
