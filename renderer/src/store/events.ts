// The one place the engine's pushed events reach the UI: each event goes to the slice that owns its
// job. (How an event gets here: engine RunEvent → ApiEvent in api/handlers.ts → IPC or WebSocket →
// preload or ws-client → this router → a slice; see docs/architecture.md.)
import type { ApiEvent } from '../../../shared/api.ts';
import type { GetState, SetState } from './types.ts';

export interface EventRoutes {
  onRunEvent: (e: ApiEvent) => void;
  onEvalEvent: (e: ApiEvent) => void;
}

export function routeEvents(get: GetState, set: SetState, routes: EventRoutes): (e: ApiEvent) => void {
  return (e) => {
    const s = get();
    if (e.type === 'job.progress') {
      if (s.importJob?.jobId === e.jobId) set({ importJob: { ...s.importJob, fraction: e.fraction, message: e.message, etaS: e.etaS } });
      else if (s.train?.jobId === e.jobId) set({ train: { ...s.train, message: e.message } });
      else routes.onEvalEvent(e);
      return;
    }
    if (e.type === 'run.trial' || e.type === 'run.progress') routes.onRunEvent(e);
  };
}
