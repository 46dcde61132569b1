import type { ModelFamily } from '../types.ts';
import { GbdtModel } from './model.ts';
import { type GbdtParams, gbdtDefaults, resolveGbdtParams } from './params.ts';
import { trainGbdt } from './train.ts';

export type { GbdtParams } from './params.ts';
export { GbdtModel } from './model.ts';

export const gbdtFamily: ModelFamily<GbdtParams> = {
  name: 'gbdt',
  displayName: 'Gradient-boosted trees',
  defaults: gbdtDefaults,
  async fit(train, task, params, ctx) {
    const p = resolveGbdtParams(params ?? {}, task, { nRows: train?.nRows ?? 0, nFeatures: train?.columns?.length ?? 0 });
    return trainGbdt(train, task, p, ctx);
  },
  async fromJSON(json) {
    return GbdtModel.fromJSON(json);
  },
  replayLength(params, fitted) {
    return fitted instanceof GbdtModel && fitted.rounds > 0 ? { ...params, nRounds: fitted.rounds, earlyStoppingRounds: 0 } : undefined;
  },
};
