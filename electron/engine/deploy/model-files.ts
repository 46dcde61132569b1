// A fitted model as package files: model/recipe.json is the tree of composites (an ensemble's kind and
// weights, its members in order) whose leaves name one file per model: JSON for trees, linear models and
// the baseline (their own toJSON), a TensorFlow.js Layers model (model.json + weights.bin, loadable by
// plain tf.loadLayersModel) for networks. Reading rebuilds the same tree of FittedJSON and hands it to a
// loader (the app's, or the pure one).
import { loadTf } from '../tf/backend.ts';
import { MlpFitted, mlpFromJSON } from '../models/mlp/fitted.ts';
import { mlpJSONFromLayersModel } from '../models/mlp/layers-model.ts';
import type { Fitted, FittedJSON } from '../models/types.ts';
import { damaged, tooLargeToSave } from './errors.ts';
import { MAX_BINARY_BYTES, MAX_ENTRIES, MAX_JSON_BYTES, MAX_JSON_DEPTH } from './limits.ts';
import { dirOf } from './paths.ts';
import { parseJsonBytes, toJsonBytes } from './safe-json.ts';
import { schemaError } from './schemas.ts';

export const RECIPE_PATH = 'model/recipe.json';

/** A node of recipe.json: a composite (its own JSON with `members` replaced by nodes) or a leaf. */
export interface RecipeLeaf {
  family: string;
  file: string;
}
export type RecipeNode = RecipeLeaf | (FittedJSON & { members: RecipeNode[] });
const isLeaf = (r: RecipeNode): r is RecipeLeaf => typeof (r as RecipeLeaf).file === 'string';

function jsonFile(value: unknown, path: string): Uint8Array {
  try {
    return toJsonBytes(value, path, MAX_JSON_BYTES);
  } catch (err) {
    if (err instanceof RangeError) throw tooLargeToSave(`${path} would be over ${MAX_JSON_BYTES >> 20} MB`);
    throw err;
  }
}

/** Writes the model's files into `files` (path -> bytes) and returns the recipe's path. */
export async function writeModelFiles(fitted: Fitted, files: Map<string, Uint8Array>): Promise<string> {
  let next = 0;
  const node = async (f: Fitted): Promise<RecipeNode> => {
    if (f.members) {
      const json = f.headJSON ? f.headJSON() : f.toJSON();
      const members: RecipeNode[] = [];
      for (const m of f.members) members.push(await node(m));
      return { ...json, members };
    }
    const id = `m${next++}`;
    if (f.family === 'mlp') {
      const { modelJson, weightsBin } = await layersArtifacts(f);
      if (weightsBin.byteLength > MAX_BINARY_BYTES) throw tooLargeToSave('a neural network is over 1 GB');
      files.set(`model/${id}/model.json`, jsonFile(modelJson, `model/${id}/model.json`));
      files.set(`model/${id}/weights.bin`, weightsBin);
      return { family: 'mlp', file: `model/${id}/model.json` };
    }
    files.set(`model/${id}.json`, jsonFile(f.toJSON(), `model/${id}.json`));
    return { family: f.family, file: `model/${id}.json` };
  };
  const recipe = await node(fitted);
  if (next > MAX_ENTRIES / 2) throw tooLargeToSave('more than 5,000 models');
  files.set(RECIPE_PATH, jsonFile(recipe, RECIPE_PATH));
  return RECIPE_PATH;
}

/** The network as standard tfjs Layers files with its exact trained weights (the target scaling is not folded in). */
async function layersArtifacts(f: Fitted): Promise<{ modelJson: Record<string, unknown>; weightsBin: Uint8Array }> {
  if (f instanceof MlpFitted) return f.toTfjsArtifacts({ foldTarget: false });
  // A network loaded with the pure loader: the same weights as tensors, only to write the files.
  const { tf, backend } = await loadTf();
  const m = mlpFromJSON(tf, f.toJSON(), backend);
  try {
    return await m.toTfjsArtifacts({ foldTarget: false });
  } finally {
    m.dispose();
  }
}

/** Reads one file of the package (only files its manifest lists, size already checked). */
export type ReadFile = (path: string) => Uint8Array;

/**
 * The saved model's FittedJSON tree, every file checked against its schema; each file may be used once
 * (so a small recipe cannot make Augur read one big file a million times).
 */
export function readModelTree(recipeBytes: Uint8Array, read: ReadFile): { json: FittedJSON; used: Set<string> } {
  const recipe = parseJsonBytes(recipeBytes, RECIPE_PATH, MAX_JSON_BYTES, MAX_JSON_DEPTH);
  const err = schemaError('recipe', recipe);
  if (err) damaged(err);
  const used = new Set<string>();
  const once = (p: string): Uint8Array => {
    if (used.has(p)) damaged(`${p} is used twice`);
    used.add(p);
    return read(p);
  };
  const node = (r: RecipeNode): FittedJSON => {
    if (!isLeaf(r)) return { ...r, members: (r.members as RecipeNode[]).map(node) };
    if (r.family === 'mlp') {
      if (!r.file.endsWith('/model.json')) damaged('a network file is not a model.json');
      const modelJson = parseJsonBytes(once(r.file), r.file, MAX_JSON_BYTES, MAX_JSON_DEPTH);
      const e = schemaError('layers-model', modelJson);
      if (e) damaged(`${r.file}: ${e}`);
      return mlpJSONFromLayersModel(modelJson, once(`${dirOf(r.file)}/weights.bin`));
    }
    const json = parseJsonBytes(once(r.file), r.file, MAX_JSON_BYTES, MAX_JSON_DEPTH) as FittedJSON;
    const e = schemaError(r.family, json);
    if (e) damaged(`${r.file}: ${e}`);
    if (json.family !== r.family) damaged(`${r.file} holds another kind of model than the recipe says`);
    return json;
  };
  return { json: node(recipe as RecipeNode), used };
}
