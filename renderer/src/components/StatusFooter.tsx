import { useAugur } from '../store.ts';

const BACKEND_WORDS: Record<string, string> = {
  tensorflow: 'native TensorFlow',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript',
};

// One quiet line about the engine: version, how we are connected, compute backend and cores.
export function StatusFooter() {
  const status = useAugur((s) => s.status);
  const statusError = useAugur((s) => s.statusError);
  if (statusError) {
    return (
      <footer className="footer footer--problem" data-testid="status-line">
        Could not reach the Augur engine: {statusError}
      </footer>
    );
  }
  if (!status) return <footer className="footer" data-testid="status-line">Connecting to the engine…</footer>;
  return (
    <footer className="footer" data-testid="status-line">
      <span>Augur {status.version}</span>
      <span>{status.transport === 'electron' ? 'Desktop app' : 'Browser mode (local only)'}</span>
      <span title={status.tfBackendNote}>
        Neural networks: {BACKEND_WORDS[status.tfBackend] ?? status.tfBackend}
        {status.tfBackendNote && <span className="info-dot" aria-label={status.tfBackendNote}>i</span>}
      </span>
      <span>
        {status.cores} {status.cores === 1 ? 'core' : 'cores'}
        {Number.isFinite(status.memoryGb) ? `, ${Math.round(status.memoryGb)} GB memory` : ''}
      </span>
      <span>Works offline: your data never leaves this computer.</span>
    </footer>
  );
}
