// The app's loader: the pure registry (loaders.ts) with networks rebuilt as tfjs tensors, so big
// batches predict on the native / WebAssembly backend. Same weights, same predictions as the model
// that was trained in this app.
import { loadTf } from '../tf/backend.ts';
import { makeLoader } from './loaders.ts';
import { mlpFromJSON } from './mlp/fitted.ts';

export const loadModel = makeLoader({
  mlp: async (json) => {
    const { tf, backend } = await loadTf();
    return mlpFromJSON(tf, json, backend);
  },
});
