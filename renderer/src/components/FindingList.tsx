import type { Finding, Severity } from '../../../shared/api.ts';
import { useAugur } from '../store.ts';

const GROUPS: { severity: Severity; title: string; icon: string }[] = [
  { severity: 'error', title: 'Must fix before training', icon: '✕' },
  { severity: 'warning', title: 'Worth a look', icon: '!' },
  { severity: 'info', title: 'Good to know', icon: 'i' },
];

// Findings grouped by severity, each with its suggestion and one-click fixes.
export function FindingList({ findings, disabled }: { findings: Finding[]; disabled?: boolean }) {
  const applyAction = useAugur((s) => s.applyAction);
  if (findings.length === 0) return null;
  return (
    <div className="findings" data-testid="findings">
      {GROUPS.map(({ severity, title, icon }) => {
        const items = findings.filter((f) => f.severity === severity);
        if (items.length === 0) return null;
        return (
          <section key={severity} className={`findings__group findings__group--${severity}`} aria-label={title}>
            <h3>
              {title} <span className="count">{items.length}</span>
            </h3>
            <ul>
              {items.map((f, i) => (
                <li key={`${f.code}-${f.column ?? ''}-${i}`} className={`finding finding--${severity}`} data-testid={`finding-${severity}`}>
                  <span className="finding__icon" aria-hidden="true">{icon}</span>
                  <div className="finding__body">
                    <p className="finding__message">{f.message}</p>
                    {f.suggestion && <p className="finding__suggestion">{f.suggestion}</p>}
                    {f.actions && f.actions.length > 0 && (
                      <div className="finding__actions">
                        {f.actions.map((a, j) => (
                          <button key={j} type="button" className="btn btn--small" disabled={disabled} onClick={() => applyAction(a)}>
                            {a.label}
                          </button>
                        ))}
                      </div>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
