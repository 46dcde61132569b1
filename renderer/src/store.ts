// All UI state in one zustand store, built from slices per domain (store/*.ts). The vanilla store (no
// React) holds the logic so it can be unit-tested in node against a scripted bridge; React components
// read it through `useAugur`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AugurBridge } from '../../shared/api.ts';
import { dataSlice } from './store/data-slice.ts';
import { evaluationSlice } from './store/evaluation-slice.ts';
import { routeEvents } from './store/events.ts';
import { navSlice } from './store/nav.ts';
import { runSlice } from './store/run-slice.ts';
import type { AugurState, SliceContext } from './store/types.ts';

export type { AugurState, BudgetChoice, JobState, Step, TrainLive } from './store/types.ts';
export { reachable, visibleStep } from './store/nav.ts';
export { roleOf } from './store/data-slice.ts';
export { BUDGET_SECONDS, CUSTOM_MAX_S, CUSTOM_MIN_S, bestOf, sortLeaderboard } from './store/run-slice.ts';

export interface StoreOptions {
  now?: () => number;
  /** How long live training events are collected before one re-render (0: apply at once, for tests). */
  batchMs?: number;
}

export function createAugurStore(getBridge: () => AugurBridge, { now = () => Date.now(), batchMs = 150 }: StoreOptions = {}): StoreApi<AugurState> {
  let unsubscribe: (() => void) | undefined;
  return createStore<AugurState>()((set, get) => {
    const ctx: SliceContext = { set, get, bridge: getBridge, now, batchMs };
    const run = runSlice(ctx);
    const evaluation = evaluationSlice(ctx);
    const onEvent = routeEvents(get, set, { onRunEvent: run.onRunEvent, onEvalEvent: evaluation.onEvalEvent });
    const subscribe = () => {
      unsubscribe?.();
      unsubscribe = getBridge().onEvent(onEvent);
    };
    return { ...navSlice(ctx, subscribe), ...dataSlice(ctx), ...run.slice, ...evaluation.slice };
  });
}

let appBridge: AugurBridge | undefined;
/** main.tsx hands over the bridge from ensureBridge() (it turns every rejection into a sentence). */
export function setBridge(bridge: AugurBridge): void {
  appBridge = bridge;
}

/** The app's store; until setBridge runs it falls back to `window.augur`. */
export const store = createAugurStore(() => appBridge ?? window.augur);

export function useAugur<T>(selector: (s: AugurState) => T): T {
  return useStore(store, selector);
}
