import { UserError } from '../../util/errors.ts';
import type { FittedJSON } from '../types.ts';
import { type Architecture, weightShapes } from './arch.ts';
import type { MlpFittedJSON } from './model.ts';
import { dequantizeUint8 } from './quantize.ts';

// Reads a network back from the standard TensorFlow.js Layers files the model package keeps
// (model.json + weights.bin, written by export.ts with foldTarget: false). Pure: no tfjs. The files
// are untrusted: the layers must be exactly the ones export.ts writes for the saved architecture (by
// name, class, key settings and wiring), and every weight spec must match the architecture's shapes
// and the byte count of weights.bin before anything is allocated. A weight may be stored in 8 bits
// (tfjs's `quantization: { dtype: 'uint8', min, scale }`, see quantize.ts): one byte per value,
// dequantised here to the float32 values tfjs would load; any other quantisation is refused.

export const LAYER_CLASSES = ['InputLayer', 'Embedding', 'Flatten', 'Concatenate', 'Dense', 'BatchNormalization', 'Activation', 'Dropout'] as const;

interface LayerJSON {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[];
}

interface ExpectedLayer {
  name: string;
  className: (typeof LAYER_CLASSES)[number];
  inputs: string[];
  config: Record<string, unknown>;
}

function damaged(why: string): never {
  throw new UserError('model_damaged', 'The saved neural network is damaged and cannot be loaded.', why);
}

/** Weight names in the network order of arch.ts, as export.ts names its layers. */
export function weightNames(a: Architecture): string[] {
  const names: string[] = [];
  if (a.nCat > 0) names.push('embedding/embeddings');
  a.hidden.forEach((_, l) => {
    names.push(`dense_${l}/kernel`, `dense_${l}/bias`);
    if (a.batchNorm) names.push(`batchnorm_${l}/gamma`, `batchnorm_${l}/beta`, `batchnorm_${l}/moving_mean`, `batchnorm_${l}/moving_variance`);
  });
  names.push('output/kernel', 'output/bias');
  return names;
}

/** The layers export.ts builds for this architecture, with the settings that decide what they compute. */
function expectedLayers(a: Architecture, task: string): ExpectedLayer[] {
  const out: ExpectedLayer[] = [];
  const parts: string[] = [];
  if (a.numericWidth > 0) {
    out.push({ name: 'numeric', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, a.numericWidth], dtype: 'float32' } });
    parts.push('numeric');
  }
  if (a.nCat > 0) {
    out.push({ name: 'categorical', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, a.nCat], dtype: 'int32' } });
    out.push({ name: 'embedding', className: 'Embedding', inputs: ['categorical'], config: { input_dim: a.tableRows, output_dim: a.embeddingDim } });
    out.push({ name: 'embedding_flat', className: 'Flatten', inputs: ['embedding'], config: {} });
    parts.push('embedding_flat');
  }
  let h = parts[0];
  if (parts.length > 1) {
    out.push({ name: 'concat', className: 'Concatenate', inputs: parts, config: { axis: -1 } });
    h = 'concat';
  }
  a.hidden.forEach((units, l) => {
    out.push({ name: `dense_${l}`, className: 'Dense', inputs: [h], config: { units, activation: a.batchNorm ? 'linear' : a.activation, use_bias: true } });
    h = `dense_${l}`;
    if (a.batchNorm) {
      out.push({ name: `batchnorm_${l}`, className: 'BatchNormalization', inputs: [h], config: { axis: -1, center: true, scale: true } });
      out.push({ name: `activation_${l}`, className: 'Activation', inputs: [`batchnorm_${l}`], config: { activation: a.activation } });
      h = `activation_${l}`;
    }
    if (a.dropout > 0) {
      out.push({ name: `dropout_${l}`, className: 'Dropout', inputs: [h], config: { rate: a.dropout } });
      h = `dropout_${l}`;
    }
  });
  const act = task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'linear';
  out.push({ name: 'output', className: 'Dense', inputs: [h], config: { units: a.outputs, activation: act, use_bias: true } });
  return out;
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** Throws unless the topology is exactly what export.ts writes for `a`. */
function checkTopology(topology: unknown, a: Architecture, task: string): void {
  const t = topology as { class_name?: unknown; config?: { layers?: unknown; input_layers?: unknown; output_layers?: unknown } };
  if (!t || t.class_name !== 'Model' || !t.config || !Array.isArray(t.config.layers)) damaged('topology');
  const want = expectedLayers(a, task);
  const layers = t.config.layers as LayerJSON[];
  if (layers.length !== want.length) damaged('layer count');
  const byName = new Map<string, LayerJSON>();
  for (const l of layers) {
    if (!l || typeof l.name !== 'string' || byName.has(l.name) || !(LAYER_CLASSES as readonly string[]).includes(l.class_name)) damaged('layer');
    byName.set(l.name, l);
  }
  for (const w of want) {
    const l = byName.get(w.name);
    if (!l || l.class_name !== w.className || !l.config || typeof l.config !== 'object' || l.config.name !== w.name) damaged(`layer ${w.name}`);
    for (const [k, v] of Object.entries(w.config)) if (!same(l.config[k], v)) damaged(`layer ${w.name}`);
    if (w.className === 'BatchNormalization' && !(typeof l.config.epsilon === 'number' && l.config.epsilon > 0)) damaged(`layer ${w.name}`);
    const inbound = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : null;
    const inputs = w.inputs.length === 0 ? [] : [w.inputs.map((n) => [n, 0, 0, {}])];
    if (!inbound || !same(inbound, inputs)) damaged(`wiring of ${w.name}`);
  }
  const inputsWanted = want.filter((w) => w.className === 'InputLayer').map((w) => [w.name, 0, 0]);
  const inputLayers = t.config.input_layers as unknown[];
  if (!Array.isArray(inputLayers) || inputLayers.length !== inputsWanted.length || !inputsWanted.every((x) => inputLayers.some((y) => same(x, y)))) damaged('inputs');
  if (!same(t.config.output_layers, [['output', 0, 0]])) damaged('outputs');
}

/**
 * The network of a package's model.json + weights.bin as MlpFittedJSON (weights as Float32Array
 * values); `mlpModelFromJSON` / the app's loader then check everything else and build the model.
 */
export function mlpJSONFromLayersModel(modelJson: unknown, weightsBin: Uint8Array): FittedJSON {
  const m = modelJson as Record<string, unknown>;
  if (!m || m.format !== 'layers-model') damaged('format');
  const meta = (m.userDefinedMetadata as { augur?: Record<string, unknown> } | undefined)?.augur;
  if (!meta || typeof meta !== 'object' || meta.family !== 'mlp' || meta.targetFolded !== false) damaged('metadata');
  const a = meta.arch as Architecture;
  const task = (meta.taskInfo as { task?: unknown } | undefined)?.task;
  if (!a || typeof a !== 'object' || !Array.isArray(a.hidden) || typeof task !== 'string') damaged('metadata');
  let shapes: number[][];
  try {
    shapes = weightShapes(a);
  } catch {
    damaged('architecture');
  }
  if (!shapes.every((s) => s.every((d) => Number.isInteger(d) && d >= 0 && d <= 1 << 26))) damaged('architecture');
  checkTopology(m.modelTopology, a, task);

  // Weights: names, shapes, dtype and offsets checked against the architecture and the byte count.
  const manifest = m.weightsManifest as { paths?: unknown; weights?: unknown }[] | undefined;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !same(manifest[0]?.paths, ['weights.bin']) || !Array.isArray(manifest[0].weights)) damaged('weights manifest');
  const names = weightNames(a);
  const specs = manifest[0].weights as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }[];
  if (specs.length !== names.length) damaged('weight count');
  const where = new Map<string, { offset: number; size: number; q?: { min: number; scale: number } }>();
  let offset = 0;
  for (const s of specs) {
    const i = typeof s?.name === 'string' ? names.indexOf(s.name) : -1;
    if (i < 0 || where.has(s.name as string) || s.dtype !== 'float32' || !same(s.shape, shapes[i])) damaged('weight spec');
    const q = s.quantization === undefined ? undefined : uint8Spec(s.quantization);
    const size = shapes[i].reduce((x, y) => x * y, 1);
    where.set(s.name as string, { offset, size, q });
    offset += size * (q ? 1 : 4);
  }
  if (offset !== weightsBin.byteLength) damaged('weights.bin size');
  const weights = names.map((name, i) => {
    const { offset: o, size, q } = where.get(name)!;
    if (q) return { shape: shapes[i].slice(), values: dequantizeUint8(weightsBin.subarray(o, o + size), q) };
    const values = new Float32Array(size);
    new Uint8Array(values.buffer).set(weightsBin.subarray(o, o + size * 4));
    return { shape: shapes[i].slice(), values };
  });
  return { ...meta, family: 'mlp', formatVersion: meta.formatVersion as number, weights } as unknown as MlpFittedJSON;
}

/** An 8-bit quantisation block: exactly { dtype: 'uint8', min, scale } with finite numbers and a positive step. */
function uint8Spec(q: unknown): { min: number; scale: number } {
  const o = q as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o) || o.dtype !== 'uint8') damaged('weight quantisation');
  if (Object.keys(o).some((k) => k !== 'dtype' && k !== 'min' && k !== 'scale')) damaged('weight quantisation');
  const { min, scale } = o;
  if (typeof min !== 'number' || typeof scale !== 'number' || !Number.isFinite(min) || !Number.isFinite(scale) || !(scale > 0)) damaged('weight quantisation');
  // the largest value it can give must stay a finite float32 (the network's checks then bound the rest)
  if (!(Math.abs(min) + 255 * scale < 3.4e38)) damaged('weight quantisation');
  return { min, scale };
}
