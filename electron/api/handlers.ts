// The one implementation of the API contract (shared/api.ts). Electron's IPC handlers and the
// browser-mode WebSocket host both call these same functions, so the two transports cannot drift.
// Args arrive already validated (validate.ts via dispatch.ts). Engine modules load lazily: status
// answers fast, and the host starts even while a heavy module (tfjs) is still loading. The methods
// live in groups by domain (data, run, model), sharing one ApiState (context.ts).
import type { ApiMethod, ApiMethods, Artifact } from '../../shared/api.ts';
import { exportHandlers } from './export-handlers.ts';
import { ApiState, type ApiContext } from './context.ts';
import { dataHandlers } from './data-handlers.ts';
import { modelHandlers } from './model-handlers.ts';
import { runHandlers } from './run-handlers.ts';

export type { ApiContext } from './context.ts';

export type ApiImpl = { [M in ApiMethod]: (args: ApiMethods[M]['args']) => Promise<ApiMethods[M]['result']> };

export interface Api extends ApiImpl {
  /** Stop every running job (window closed, host shutting down). */
  cancelAll(): void;
  /** Where a made file waits (for the transport that hands it to the user: a save dialog, a download). */
  artifactPath(artifactId: string): { path: string; artifact: Artifact };
  /** Remove every made file (the app is closing). */
  clearArtifacts(): Promise<void>;
}

export function createApi(ctx: ApiContext): Api {
  const state = new ApiState(ctx);
  return {
    ...dataHandlers(state),
    ...runHandlers(state),
    ...modelHandlers(state),
    ...exportHandlers(state),
    async cancel({ jobId }) {
      return { cancelled: state.jobs.cancel(jobId) };
    },
    cancelAll() {
      state.jobs.cancelAll();
    },
    artifactPath: (artifactId) => state.outbox.path(artifactId),
    clearArtifacts: () => state.outbox.clear(),
  };
}
