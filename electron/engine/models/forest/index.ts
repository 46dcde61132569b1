import type { ModelFamily } from '../types.ts';
import { ForestModel } from './model.ts';
import { type ForestParams, forestDefaults, resolveForestParams } from './params.ts';
import { trainForest } from './train.ts';

export type { ForestParams } from './params.ts';
export { ForestModel } from './model.ts';

function family(name: 'random_forest' | 'extra_trees', displayName: string): ModelFamily<ForestParams> {
  return {
    name,
    displayName,
    defaults: (task, shape) => forestDefaults(name, task, shape),
    async fit(train, task, params, ctx) {
      return trainForest(name, train, task, resolveForestParams(name, params ?? {}, task, { nRows: train?.nRows ?? 0 }), ctx);
    },
    async fromJSON(json) {
      return ForestModel.fromJSON(name, json);
    },
  };
}

export const randomForestFamily = family('random_forest', 'Random forest');
export const extraTreesFamily = family('extra_trees', 'Extra trees');
