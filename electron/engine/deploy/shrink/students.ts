// The students: small models of the usual families, trained to give the original's answers (its soft
// predictions), tried from the smallest up.
//
// Soft labels. Amounts: the student is a regression on the original's value. Categories: the student
// learns the original's probabilities with its own log loss, through row weights: each row appears
// once per class with that class as the outcome and the original's probability of it as the weight.
// The weighted log loss of those copies is exactly the cross-entropy against the soft label (the
// gradients sum to p_student - p_original), so the student is a normal GBDT or linear model with the
// usual sigmoid / softmax output: nothing new to save, load or put on a web page. (Fitting a regression
// to the original's logit would need a new kind of model to turn it back into a probability.)
import { familyByName } from '../../models/registry.ts';
import type { Dataset, FitContext, Fitted, TaskInfo } from '../../models/types.ts';

export interface StudentSpec {
  /** Stable id for the chart and the CLI. */
  id: string;
  /** In words, for the chart, the sentence and the model card: "a model of 100 trees". */
  label: string;
  family: 'gbdt' | 'linear';
  params: Record<string, unknown>;
}

/**
 * The ladder, smallest first: a linear model, a shallow boosted model, then boosted trees of 31
 * leaves with more and more rounds. Distillation stops at the first that is within the bound.
 */
export function studentLadder(): StudentSpec[] {
  const gbdt = (rounds: number, lr: number, shape: Record<string, unknown>) => ({
    nRounds: rounds, learningRate: lr, earlyStoppingRounds: 0, subsample: 1, colsampleByTree: 1, lambda: 1, ...shape,
  });
  return [
    { id: 'linear', label: 'a linear model', family: 'linear', params: { l2: 1, maxIter: 300, bins: 8 } },
    { id: 'gbdt-60x8', label: 'a model of 60 small trees (8 leaves each)', family: 'gbdt', params: gbdt(60, 0.2, { growPolicy: 'depthwise', maxDepth: 3 }) },
    { id: 'gbdt-50', label: 'a model of 50 trees', family: 'gbdt', params: gbdt(50, 0.2, { growPolicy: 'lossguide', maxLeaves: 31 }) },
    { id: 'gbdt-100', label: 'a model of 100 trees', family: 'gbdt', params: gbdt(100, 0.1, { growPolicy: 'lossguide', maxLeaves: 31 }) },
    { id: 'gbdt-200', label: 'a model of 200 trees', family: 'gbdt', params: gbdt(200, 0.1, { growPolicy: 'lossguide', maxLeaves: 31 }) },
  ];
}

/** Smallest share of a row kept as one class's copy; the rest of that row's weight is spread over its other copies. */
const MIN_SHARE = 1e-3;

/**
 * The rows the student learns from: `x` with the original's predictions `teacher` (the Fitted.predict
 * layout) as the outcome, as soft labels (see the top of this file).
 */
export function softLabelled(x: Dataset, teacher: Float64Array, task: TaskInfo): Dataset {
  const n = x.nRows;
  if (task.task === 'regression') return { features: x.features, nRows: n, columns: x.columns, y: Float64Array.from(teacher) };
  const k = task.nClasses;
  const prob = (i: number, c: number) => (task.task === 'binary' ? (c === 1 ? teacher[i] : 1 - teacher[i]) : teacher[i * k + c]);
  const rows: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < n; i++) {
    let kept = 0;
    const start = ws.length;
    for (let c = 0; c < k; c++) {
      const p = prob(i, c);
      if (!(p >= MIN_SHARE)) continue;
      rows.push(i);
      ys.push(c);
      ws.push(p);
      kept += p;
    }
    for (let t = start; t < ws.length; t++) ws[t] /= kept;
  }
  const columns = x.columns.map((col) => Float64Array.from(rows, (r) => col[r]));
  return { features: x.features, nRows: rows.length, columns, y: Float64Array.from(ys), weights: Float64Array.from(ws) };
}

/** One student fitted on soft-labelled rows. */
export async function fitStudent(spec: StudentSpec, data: Dataset, task: TaskInfo, ctx: FitContext): Promise<Fitted> {
  const family = familyByName(spec.family);
  const params = { ...family.defaults(task, { nRows: data.nRows, nFeatures: data.features.length }), ...spec.params };
  return family.fit(data, task, params as never, ctx);
}
