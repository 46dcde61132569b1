import type { ColumnRole, Task } from '../../../shared/api.ts';
import { FindingList } from '../components/FindingList.tsx';
import { TYPE_LABELS, formatInt, formatPercent, formatShare, plural, taskWords } from '../format.ts';
import { roleOf, useAugur } from '../store.ts';

const ROLE_LABELS: Record<ColumnRole, string> = { use: 'Use', ignore: 'Ignore', target: 'Predict this' };

// Step 2: what to predict, which columns to use, and what Augur found in the data.
export function CheckScreen() {
  const ds = useAugur((s) => s.dataset)!;
  const settings = useAugur((s) => s.settings);
  const report = useAugur((s) => s.report);
  const checking = useAugur((s) => s.checking);
  const setTarget = useAugur((s) => s.setTarget);
  const goTo = useAugur((s) => s.goTo);
  const locked = useAugur((s) => !!s.train);
  // The blocking reason is said once, prominently: in the banner, or in the list when it comes with a fix.
  const blocking = report && !report.canTrain ? report.findings.find((f) => f.message === report.blockingReason) : undefined;
  const fixable = !!blocking?.actions?.length;
  const findings = (report?.findings ?? []).filter((f) => report?.canTrain || fixable || f.message !== report?.blockingReason);

  return (
    <section className="screen" aria-labelledby="check-title">
      <header className="screen__head">
        <h1 id="check-title" tabIndex={-1}>What do you want to predict?</h1>
        <p className="lead">
          Pick the column whose value you would like to know in advance — for example whether a customer leaves, or what an order will cost.
        </p>
      </header>

      {locked && (
        <p className="locked-note" role="status">
          Training is running with these settings; they can be changed again when it ends.
        </p>
      )}
      <fieldset className="card target-card" disabled={locked}>
        <label className="field">
          <span className="field__label">Column to predict</span>
          <select
            value={settings.target ?? ''}
            onChange={(e) => setTarget(e.target.value || undefined)}
            data-testid="target-select"
            className="select--big"
          >
            <option value="">Choose a column…</option>
            {ds.columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        {settings.target && <TaskChooser />}
      </fieldset>

      <div className="check-status" aria-live="polite">
        {checking && <p className="muted" data-testid="checking">Checking your data…</p>}
        {!checking && report && !report.canTrain && (
          <div className="blocker" role="status" data-testid="blocker">
            <strong>Not ready to train yet.</strong> {fixable ? 'Fix the problem marked below first.' : (report.blockingReason ?? 'Fix the problems marked below first.')}
          </div>
        )}
        {!checking && report?.canTrain && (
          <div className="ready" data-testid="ready">
            <p>
              <strong>Ready.</strong> Augur will learn to predict <em>{report.target?.name}</em> from {plural(report.rows, 'row')} and the columns marked “Use” below.
            </p>
            <button type="button" className="btn btn--primary btn--big" onClick={() => goTo('train')} data-testid="to-train">
              Next: train →
            </button>
          </div>
        )}
      </div>

      {findings.length > 0 && <FindingList findings={findings} disabled={checking || locked} />}
      {report && findings.length === 0 && !checking && <p className="muted">No problems found in the data.</p>}

      <ColumnRoles locked={locked} />
    </section>
  );
}


function TaskChooser() {
  const ds = useAugur((s) => s.dataset)!;
  const settings = useAugur((s) => s.settings);
  const report = useAugur((s) => s.report);
  const setTask = useAugur((s) => s.setTask);
  const checking = useAugur((s) => s.checking);
  const target = report?.target && report.target.name === settings.target ? report.target : undefined;
  const task = settings.task ?? target?.task;
  const unique = ds.columns.find((c) => c.name === settings.target)?.unique ?? 0;
  const categoryTask: Task = task === 'binary' || task === 'multiclass' ? task : unique <= 2 ? 'binary' : 'multiclass';

  return (
    <div className="task">
      <span className="field__label" id="task-label">
        This column is
      </span>
      <div className="segmented" role="radiogroup" aria-labelledby="task-label">
        <button
          type="button"
          role="radio"
          aria-checked={task === 'binary' || task === 'multiclass'}
          onClick={() => setTask(categoryTask)}
          data-testid="task-category"
        >
          A category
          <small>e.g. yes / no, plan A / B / C</small>
        </button>
        <button type="button" role="radio" aria-checked={task === 'regression'} onClick={() => setTask('regression')} data-testid="task-amount">
          An amount
          <small>e.g. a price, a number of days</small>
        </button>
      </div>
      <p className="muted task__note">
        {task ? (
          <>
            {settings.task ? 'You chose ' : 'Augur thinks this is '}
            {taskWords(task)}.{' '}
            {settings.task && (
              <button type="button" className="link" onClick={() => setTask(undefined)}>
                Let Augur decide
              </button>
            )}
          </>
        ) : checking ? (
          'Checking…'
        ) : null}
      </p>
      {target?.classes && target.classes.length > 0 && task !== 'regression' && (
        <p className="classes" data-testid="classes">
          Outcomes:{' '}
          {target.classes.slice(0, 8).map((c, i) => (
            <span key={c} className="chip">
              {c}
              {target.classShares?.[i] !== undefined ? ` · ${formatPercent(target.classShares[i])}` : ''}
            </span>
          ))}
          {target.classes.length > 8 ? ` and ${formatInt(target.classes.length - 8)} more` : ''}
        </p>
      )}
    </div>
  );
}

function ColumnRoles({ locked }: { locked: boolean }) {
  const ds = useAugur((s) => s.dataset)!;
  const settings = useAugur((s) => s.settings);
  const setRole = useAugur((s) => s.setRole);
  return (
    <div className="card">
      <h2 className="card__title">Columns</h2>
      <p className="muted">Ignore columns that would not be known at the time you make a prediction, or that identify a single row.</p>
      <div className="table-scroll">
        <table className="roles" data-testid="roles-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">Empty</th>
              <th scope="col" className="num">Different values</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {ds.columns.map((c) => {
              const role = roleOf(settings, c.name);
              return (
                <tr key={c.name} className={`role--${role}`}>
                  <th scope="row">{c.name}</th>
                  <td>{TYPE_LABELS[settings.typeOverrides?.[c.name] ?? c.type]}</td>
                  <td className="num">{c.missing > 0 ? formatShare(c.missing / Math.max(1, ds.rows)) : '–'}</td>
                  <td className="num">{formatInt(c.unique)}</td>
                  <td>
                    <select value={role} disabled={locked} aria-label={`Role of column ${c.name}`} onChange={(e) => setRole(c.name, e.target.value as ColumnRole)}>
                      {(Object.keys(ROLE_LABELS) as ColumnRole[]).map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                    </select>
                    {role === 'use' && (settings.typeOverrides?.[c.name] ?? c.type) === 'id' && <span className="role__note muted">left out automatically</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
