import { ProgressBar } from '../ProgressBar.tsx';
import { useAugur } from '../../store.ts';

// Parts of the report that come from the closer look: its progress (with Stop) while it runs, or why it is missing.
export function DeepProgress({ what }: { what: string }) {
  const job = useAugur((s) => s.deepJob);
  const error = useAugur((s) => s.deepError);
  const cancel = useAugur((s) => s.cancelDeep);
  const load = useAugur((s) => s.loadDeep);
  if (job) {
    return (
      <div className="deep-progress" data-testid="deep-progress">
        <p className="muted">Augur is taking a closer look at the model to show {what}.</p>
        <ProgressBar fraction={job.fraction} label={job.message} />
        <p className="muted deep-progress__message">{job.message}</p>
        <button type="button" className="btn btn--small" onClick={() => void cancel()}>
          Stop
        </button>
      </div>
    );
  }
  return (
    <div className="deep-progress">
      <p className="muted">{error ?? `${what[0].toUpperCase()}${what.slice(1)} will appear here.`}</p>
      <button type="button" className="btn btn--small" onClick={() => void load()}>
        {error ? 'Try again' : 'Look closer'}
      </button>
    </div>
  );
}
