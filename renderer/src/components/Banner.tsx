import { useAugur } from '../store.ts';

// Errors and notices in one friendly sentence; the rest of the app stays usable underneath.
export function Banner() {
  const error = useAugur((s) => s.error);
  const notice = useAugur((s) => s.notice);
  const dismiss = useAugur((s) => s.dismissError);
  if (!error && !notice) return null;
  return (
    <div className={`banner ${error ? 'banner--error' : 'banner--notice'}`} role={error ? 'alert' : 'status'} data-testid={error ? 'error-banner' : 'notice-banner'}>
      <span className="banner__icon" aria-hidden="true">{error ? '!' : 'i'}</span>
      <p className="banner__text">{error ?? notice}</p>
      <button type="button" className="btn btn--ghost btn--small" onClick={dismiss} aria-label="Dismiss message">
        OK
      </button>
    </div>
  );
}
