import type { io, LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../tf/backend.ts';
import type { MlpFitted } from './fitted.ts';
import { BN_EPSILON, BN_MOMENTUM, groupWeights } from './arch.ts';
import { MLP_FORMAT_VERSION } from './model.ts';
import { exactUint8 } from './quantize.ts';

// The same network as standard tfjs layers (Embedding, Flatten, Concatenate, Dense, BatchNormalization,
// Activation, Dropout), so plain TensorFlow.js can load it with tf.loadLayersModel. Inputs are the
// preprocessed arrays (MlpFitted.prepare): "numeric" float32 [n, numericWidth] and, with embeddings,
// "categorical" int32 [n, nCat]. Outputs: P(class 1) (binary), class probabilities (multiclass) or
// the value in target units (regression: the target scaling is folded into the last layer), unless
// `foldTarget: false` (the model package: its weights stay exactly the trained float32 values, and
// `userDefinedMetadata.augur.target` says how to scale). Layers carry fixed names (`dense_0`, `output`...)
// so a reader can match every weight by name (layers-model.ts). A network whose every weight lies on its
// 8-bit grid (quantize.ts: what the small version keeps) is written with tfjs's uint8 quantisation in
// the weights manifest, one byte per weight; plain tf.loadLayersModel reads it back to the same values.

export interface TfjsArtifacts {
  /** Content of a standard model.json whose weightsManifest points at "weights.bin". */
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
  /** The in-memory form, for tf.io.fromMemory. */
  artifacts: io.ModelArtifacts;
}

export interface TfjsExportOptions {
  /** Regression: fold the target scaling into the output layer (default true). */
  foldTarget?: boolean;
}

export async function toTfjsArtifacts(fitted: MlpFitted, opts: TfjsExportOptions = {}): Promise<TfjsArtifacts> {
  const foldTarget = opts.foldTarget !== false;
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
    const emb = tf.layers.embedding({ inputDim: a.tableRows, outputDim: a.embeddingDim, inputLength: a.nCat, name: 'embedding' });
    embLayer = emb;
    parts.push(tf.layers.flatten({ name: 'embedding_flat' }).apply(emb.apply(cat)) as SymbolicTensor);
  }
  let h = parts.length > 1 ? (tf.layers.concatenate({ name: 'concat' }).apply(parts) as SymbolicTensor) : parts[0];
  // Weights are set layer by layer: model.weights lists all non-trainable weights (BN statistics) last.
  const assignments: { layer: { setWeights(ws: Tensor[]): void }; values: Float32Array[]; shapes: number[][] }[] = [];
  const give = (layer: { setWeights(ws: Tensor[]): void }, ws: { shape: number[]; values: Float32Array }[]) =>
    assignments.push({ layer, values: ws.map((x) => x.values), shapes: ws.map((x) => x.shape) });
  if (embLayer && w.embedding) give(embLayer, [w.embedding]);
  a.hidden.forEach((units, l) => {
    const d = w.dense[l];
    const dense = tf.layers.dense({ units, activation: a.batchNorm ? 'linear' : a.activation, name: `dense_${l}` });
    h = dense.apply(h) as SymbolicTensor;
    give(dense, [d.kernel, d.bias]);
    if (a.batchNorm && d.bn) {
      const bn = tf.layers.batchNormalization({ epsilon: BN_EPSILON, momentum: BN_MOMENTUM, name: `batchnorm_${l}` });
      h = bn.apply(h) as SymbolicTensor;
      give(bn, [d.bn.gamma, d.bn.beta, d.bn.mean, d.bn.variance]);
      h = tf.layers.activation({ activation: a.activation, name: `activation_${l}` }).apply(h) as SymbolicTensor;
    }
    if (a.dropout > 0) h = tf.layers.dropout({ rate: a.dropout, name: `dropout_${l}` }).apply(h) as SymbolicTensor;
  });
  const task = fitted.taskInfo.task;
  const out = w.dense[w.dense.length - 1];
  const outAct = task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'linear';
  const outLayer = tf.layers.dense({ units: a.outputs, activation: outAct, name: 'output' });
  h = outLayer.apply(h) as SymbolicTensor;
  const folded = task === 'regression' && !!fitted.target && foldTarget;
  if (folded) {
    // Fold the target scaling into the output layer: y = (h·W + b)·std + mean.
    const { mean, std } = fitted.target!;
    give(outLayer, [
      { shape: out.kernel.shape, values: out.kernel.values.map((v) => v * std) },
      { shape: out.bias.shape, values: out.bias.values.map((v) => v * std + mean) },
    ]);
  } else {
    give(outLayer, [out.kernel, out.bias]);
  }

  const model: LayersModel = tf.model({ inputs, outputs: h, name: 'augur_mlp' });
  try {
    for (const asg of assignments) {
      const tensors: Tensor[] = asg.values.map((v, i) => tf.tensor(v, asg.shapes[i], 'float32'));
      asg.layer.setWeights(tensors);
      tf.dispose(tensors);
    }
    // Plain JSON only (tfjs refuses undefined fields in metadata).
    const augur = {
      family: 'mlp', formatVersion: MLP_FORMAT_VERSION, taskInfo: fitted.taskInfo, features: fitted.features, arch: a, prep: fitted.prepSpec,
      target: fitted.target, targetFolded: folded, info: fitted.info,
    };
    const meta = JSON.parse(JSON.stringify({ augur }));
    model.setUserDefinedMetadata(meta);
    let captured: io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (art) => {
        captured = art;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(art) };
      }),
    );
    const art = captured!;
    let weightData = tf.io.CompositeArrayBuffer.join(art.weightData);
    const packed = packUint8(art.weightSpecs ?? [], weightData);
    if (packed) {
      art.weightSpecs = packed.specs;
      weightData = packed.data;
    }
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

/**
 * The weights in 8 bits when every one already lies exactly on its 8-bit grid (nothing is lost), else
 * undefined (the float32 bytes stay). tfjs lists the weights in the order of their bytes.
 */
function packUint8(specs: io.WeightsManifestEntry[], data: ArrayBuffer): { specs: io.WeightsManifestEntry[]; data: ArrayBuffer } | undefined {
  if (specs.length === 0) return undefined;
  const parts: { spec: io.WeightsManifestEntry; codes: Uint8Array }[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization) return undefined;
    const size = spec.shape.reduce((x, y) => x * y, 1);
    const exact = exactUint8(new Float32Array(data.slice(offset, offset + size * 4)));
    if (!exact) return undefined;
    offset += size * 4;
    parts.push({ spec: { ...spec, quantization: { dtype: 'uint8', min: exact.q.min, scale: exact.q.scale } }, codes: exact.codes });
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.codes.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p.codes, o);
    o += p.codes.length;
  }
  return { specs: parts.map((p) => p.spec), data: out.buffer };
}
