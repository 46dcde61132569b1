// A labelled progress bar; `fraction` undefined means "working, length unknown".
export function ProgressBar({ fraction, label }: { fraction?: number; label: string }) {
  const known = fraction !== undefined && Number.isFinite(fraction);
  const pct = known ? Math.max(0, Math.min(1, fraction)) * 100 : 0;
  return (
    <div
      className={`progress${known ? '' : ' progress--busy'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? Math.round(pct) : undefined}
    >
      {/* Keyed by mode: switching from "busy" must not animate the busy bar's width down to the real one. */}
      <div key={known ? 'known' : 'busy'} className="progress__fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
