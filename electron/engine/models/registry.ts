import { UserError } from '../util/errors.ts';
import { loadModel } from './app-loader.ts';
import { baselineFamily } from './baseline/index.ts';
import { ensembleFamily } from './composite/ensemble.ts';
import { linearFamily } from './linear/index.ts';
import { gbdtFamily } from './gbdt/index.ts';
import { randomForestFamily, extraTreesFamily } from './forest/index.ts';
import { mlpFamily } from './mlp/index.ts';
import type { ModelFamily } from './types.ts';

/**
 * The trainer registry: every model family the app can train. Adding a family = one import + one entry
 * here and its pure loader in loaders.ts; the shared conformance suite (test/models/conformance.test.ts)
 * then checks it automatically. Loading saved models goes through loaders.ts / app-loader.ts.
 */
const FAMILIES: ModelFamily<any>[] = [
  baselineFamily,
  linearFamily,
  gbdtFamily,
  randomForestFamily,
  extraTreesFamily,
  mlpFamily,
];

/**
 * Families that saved models may name but that are never fitted directly: an ensemble (or a k-fold
 * bag) is built by the AutoML run from finished trials. Loadable, so kept out of allFamilies().
 */
const LOAD_ONLY: ModelFamily<any>[] = [ensembleFamily(loadModel)];

export function allFamilies(): ModelFamily[] {
  return [...FAMILIES];
}

/** UserError for an unknown name (e.g. a model file from a newer app version). */
export function familyByName(name: string): ModelFamily {
  const family = FAMILIES.find((f) => f.name === name) ?? LOAD_ONLY.find((f) => f.name === name);
  if (!family) {
    throw new UserError('unknown_model', `This app does not know the model type "${name}".`, 'The model may have been made by a newer version of the app.');
  }
  return family;
}
