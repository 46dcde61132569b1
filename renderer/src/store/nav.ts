// Which step is shown, what the app status is, and the banner's error or notice.
import { errorMessage } from '../format.ts';
import type { AugurState, NavSlice, SliceContext, Step } from './types.ts';

/** Which steps the user may open right now; later steps need the earlier ones done. */
export function reachable(s: Pick<AugurState, 'dataset' | 'report' | 'run' | 'train'>): Record<Step, boolean> {
  return {
    import: true,
    check: !!s.dataset,
    train: !!s.dataset && !!s.report?.canTrain,
    results: !!s.run,
    export: false,
    monitor: false,
  };
}

const ORDER: Step[] = ['import', 'check', 'train', 'results', 'export', 'monitor'];

/** The step actually shown: the chosen one, or the nearest earlier one still open (e.g. a new import cleared the run). */
export function visibleStep(s: Pick<AugurState, 'step' | 'dataset' | 'report' | 'run' | 'train'>): Step {
  const can = reachable(s);
  for (let i = ORDER.indexOf(s.step); i > 0; i--) if (can[ORDER[i]]) return ORDER[i];
  return 'import';
}

export function navSlice({ set, get, bridge }: SliceContext, subscribe: () => void): NavSlice {
  return {
    step: 'import',

    async init() {
      try {
        subscribe();
        const status = await bridge().invoke('status', {});
        set({ status, statusError: undefined });
      } catch (err) {
        set({ statusError: errorMessage(err) });
      }
    },

    goTo(step) {
      if (!reachable(get())[step]) return;
      set({ step, notice: undefined });
      if (step === 'check' && !get().report && !get().checking) void get().runCheck();
    },

    dismissError() {
      set({ error: undefined, notice: undefined });
    },
  };
}
