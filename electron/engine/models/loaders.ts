// The loader registry: family name -> the pure code that rebuilds a saved model (predict + fromJSON,
// no training code, no Node, no tfjs). What a saved model or the web scorer needs; the trainer
// registry (registry.ts) is apart. The app swaps in faster loaders where it has them
// (app-loader.ts: networks as tfjs tensors).
import { UserError } from '../util/errors.ts';
import { BaselineModel } from './baseline/model.ts';
import { calibratedFromJSON } from './composite/calibrated.ts';
import { ensembleFromJSON, type LoadFn } from './composite/ensemble.ts';
import { ForestModel } from './forest/model.ts';
import { GbdtModel } from './gbdt/model.ts';
import { linearFromJSON } from './linear/model.ts';
import { mlpModelFromJSON } from './mlp/model.ts';
import type { Fitted, FittedJSON } from './types.ts';

/** Rebuilds one saved model; `load` rebuilds sub-models of a composite (one level deeper). */
export type FittedLoader = (json: FittedJSON, load: LoadFn, depth: number) => Fitted | Promise<Fitted>;

export const PURE_LOADERS: Readonly<Record<string, FittedLoader>> = Object.freeze({
  baseline: (j) => BaselineModel.fromJSON(j),
  linear: (j) => linearFromJSON(j),
  gbdt: (j) => GbdtModel.fromJSON(j),
  random_forest: (j) => ForestModel.fromJSON('random_forest', j),
  extra_trees: (j) => ForestModel.fromJSON('extra_trees', j),
  mlp: (j) => mlpModelFromJSON(j),
  ensemble: (j, load, depth) => ensembleFromJSON(j, load, depth),
  calibrated: (j, load, depth) => calibratedFromJSON(j, (m) => load(m, depth + 1)),
});

export function knownFamily(name: unknown): boolean {
  return typeof name === 'string' && Object.hasOwn(PURE_LOADERS, name);
}

/** A loader over the pure registry, with some families replaced (e.g. the app's tfjs networks). */
export function makeLoader(overrides: Readonly<Record<string, FittedLoader>> = {}): (json: FittedJSON) => Promise<Fitted> {
  const load: LoadFn = async (json, depth) => {
    const name = (json as { family?: unknown } | null)?.family;
    const loader = typeof name === 'string' ? (Object.hasOwn(overrides, name) ? overrides[name] : Object.hasOwn(PURE_LOADERS, name) ? PURE_LOADERS[name] : undefined) : undefined;
    if (!loader) {
      throw new UserError('unknown_model', `This app does not know the model type "${String(name).slice(0, 40)}".`, 'The model may have been made by a newer version of the app.');
    }
    return loader(json, load, depth);
  };
  return (json) => load(json, 0);
}

/** Rebuilds any saved model with pure code only (networks predict with the plain-JS forward pass). */
export const loadPureModel = makeLoader();
