import type { io, LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../tf/backend.ts';
import type { MlpFitted } from './fitted.ts';
import { BN_EPSILON, BN_MOMENTUM, groupWeights } from './network.ts';

// The same network as standard tfjs layers (Embedding, Flatten, Concatenate, Dense, BatchNormalization,
// Activation, Dropout), so plain TensorFlow.js can load it with tf.loadLayersModel. Inputs are the
// preprocessed arrays (MlpFitted.prepare): "numeric" float32 [n, numericWidth] and, with embeddings,
// "categorical" int32 [n, nCat]. Outputs: P(class 1) (binary), class probabilities (multiclass) or
// the value in target units (regression: the target scaling is folded into the last layer).

export interface TfjsArtifacts {
  /** Content of a standard model.json whose weightsManifest points at "weights.bin". */
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
  /** The in-memory form, for tf.io.fromMemory. */
  artifacts: io.ModelArtifacts;
}

export async function toTfjsArtifacts(fitted: MlpFitted): Promise<TfjsArtifacts> {
  const { tf } = await loadTf();
  const a = fitted.arch;
  const values = fitted.weightValues();
  const w = groupWeights<{ shape: number[]; values: Float32Array }, { shape: number[]; values: Float32Array }>(a, values);

  const inputs: SymbolicTensor[] = [];
  const parts: SymbolicTensor[] = [];
  let embLayer: { setWeights(ws: Tensor[]): void } | undefined;
  if (a.numericWidth > 0) {
    const num = tf.input({ shape: [a.numericWidth], name: 'numeric' });
    inputs.push(num);
    parts.push(num);
  }
  if (a.nCat > 0) {
    const cat = tf.input({ shape: [a.nCat], name: 'categorical', dtype: 'int32' });
    inputs.push(cat);
    const emb = tf.layers.embedding({ inputDim: a.tableRows, outputDim: a.embeddingDim, inputLength: a.nCat });
    embLayer = emb;
    parts.push(tf.layers.flatten().apply(emb.apply(cat)) as SymbolicTensor);
  }
  let h = parts.length > 1 ? (tf.layers.concatenate().apply(parts) as SymbolicTensor) : parts[0];
  // Weights are set layer by layer: model.weights lists all non-trainable weights (BN statistics) last.
  const assignments: { layer: { setWeights(ws: Tensor[]): void }; values: Float32Array[]; shapes: number[][] }[] = [];
  const give = (layer: { setWeights(ws: Tensor[]): void }, ws: { shape: number[]; values: Float32Array }[]) =>
    assignments.push({ layer, values: ws.map((x) => x.values), shapes: ws.map((x) => x.shape) });
  if (embLayer && w.embedding) give(embLayer, [w.embedding]);
  a.hidden.forEach((units, l) => {
    const d = w.dense[l];
    const dense = tf.layers.dense({ units, activation: a.batchNorm ? 'linear' : a.activation });
    h = dense.apply(h) as SymbolicTensor;
    give(dense, [d.kernel, d.bias]);
    if (a.batchNorm && d.bn) {
      const bn = tf.layers.batchNormalization({ epsilon: BN_EPSILON, momentum: BN_MOMENTUM });
      h = bn.apply(h) as SymbolicTensor;
      give(bn, [d.bn.gamma, d.bn.beta, d.bn.mean, d.bn.variance]);
      h = tf.layers.activation({ activation: a.activation }).apply(h) as SymbolicTensor;
    }
    if (a.dropout > 0) h = tf.layers.dropout({ rate: a.dropout }).apply(h) as SymbolicTensor;
  });
  const task = fitted.taskInfo.task;
  const out = w.dense[w.dense.length - 1];
  const outAct = task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'linear';
  const outLayer = tf.layers.dense({ units: a.outputs, activation: outAct });
  h = outLayer.apply(h) as SymbolicTensor;
  if (task === 'regression' && fitted.target) {
    // Fold the target scaling into the output layer: y = (h·W + b)·std + mean.
    const { mean, std } = fitted.target;
    give(outLayer, [
      { shape: out.kernel.shape, values: out.kernel.values.map((v) => v * std) },
      { shape: out.bias.shape, values: out.bias.values.map((v) => v * std + mean) },
    ]);
  } else {
    give(outLayer, [out.kernel, out.bias]);
  }

  const model: LayersModel = tf.model({ inputs, outputs: h });
  try {
    for (const asg of assignments) {
      const tensors: Tensor[] = asg.values.map((v, i) => tf.tensor(v, asg.shapes[i], 'float32'));
      asg.layer.setWeights(tensors);
      tf.dispose(tensors);
    }
    // Plain JSON only (tfjs refuses undefined fields in metadata).
    const meta = JSON.parse(JSON.stringify({ augur: { family: 'mlp', taskInfo: fitted.taskInfo, features: fitted.features, prep: fitted.prepSpec, target: fitted.target } }));
    model.setUserDefinedMetadata(meta);
    let captured: io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (art) => {
        captured = art;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(art) };
      }),
    );
    const art = captured!;
    const weightData = tf.io.CompositeArrayBuffer.join(art.weightData);
    const modelJson: Record<string, unknown> = {
      modelTopology: art.modelTopology,
      format: art.format,
      generatedBy: art.generatedBy,
      convertedBy: art.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
      userDefinedMetadata: art.userDefinedMetadata,
    };
    return { modelJson, weightsBin: new Uint8Array(weightData), artifacts: { ...art, weightData } };
  } finally {
    model.dispose();
  }
}
