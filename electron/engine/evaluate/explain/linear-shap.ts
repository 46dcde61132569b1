// Exact SHAP values of the linear family: its margin is a sum of one term per input feature (a
// standardised value, a missing flag, a one-hot level, a quantile bin), so a feature's contribution is its
// terms at the row minus their average over the background rows: coefficient x (z - mean z) for every
// design column of that feature, one-hot groups summed back. In the margin: log-odds (logistic), softmax
// scores (multiclass) or the predicted value (ridge, scaled back to the target's units).
import { applyRecipe, type DesignRecipe } from '../../models/linear/design.ts';
import type { Dataset, FittedJSON } from '../../models/types.ts';

interface LinearJSON {
  recipe: DesignRecipe;
  loss: 'logistic' | 'softmax' | 'squared';
  K: number;
  coef: number[];
  yMean: number;
  yStd: number;
  features: unknown[];
}

export function isLinearJSON(json: FittedJSON): boolean {
  const j = json as unknown as Partial<LinearJSON>;
  return json.family === 'linear' && !!j.recipe && Array.isArray(j.recipe.steps) && Array.isArray(j.coef) && (j.K ?? 0) >= 1;
}

export class LinearShap {
  readonly nFeatures: number;
  readonly nOutputs: number;
  /** Margin per output averaged over the background rows (scaled like the prediction for regression). */
  readonly expected: Float64Array;
  private readonly j: LinearJSON;
  private readonly coef: Float64Array;
  private readonly stride: number;
  /** Per output and coefficient: the background mean of the design column times its coefficient. */
  private readonly meanTerm: Float64Array;
  private readonly outScale: number;

  constructor(json: FittedJSON, background: Dataset) {
    this.j = json as unknown as LinearJSON;
    const { recipe, K } = this.j;
    this.coef = Float64Array.from(this.j.coef);
    this.nFeatures = this.j.features.length;
    this.nOutputs = K;
    this.outScale = this.j.loss === 'squared' ? this.j.yStd : 1;
    if (background.nRows === 0) throw new Error('Explaining a linear model needs background rows.');
    const design = applyRecipe(recipe, background);
    const p = design.p;
    this.stride = p + 1;
    const n = design.n;
    // background mean of each design column (dense columns, then one-hot slots)
    const means = new Float64Array(p);
    design.dense.forEach((col, jd) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += design.denseScale[jd] * col[i] + design.denseShift[jd];
      means[jd] = s / n;
    });
    for (const cat of design.cats) for (let i = 0; i < n; i++) if (cat.codes[i] >= 0) means[cat.offset + cat.codes[i]] += 1 / n;
    this.meanTerm = new Float64Array(K * this.stride);
    this.expected = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      let e = this.coef[c * this.stride + p];
      for (let q = 0; q < p; q++) {
        const t = this.coef[c * this.stride + q] * means[q];
        this.meanTerm[c * this.stride + q] = t;
        e += t;
      }
      this.expected[c] = this.j.loss === 'squared' ? this.j.yMean + this.outScale * e : e;
    }
  }

  /**
   * SHAP values of every row: out[(i * nFeatures + f) * nOutputs + k]. Their sum over f is the row's
   * margin k minus expected[k].
   */
  explain(data: Dataset): Float64Array {
    const { K } = this.j;
    const design = applyRecipe(this.j.recipe, data);
    const n = design.n;
    const F = this.nFeatures;
    const out = new Float64Array(n * F * K);
    const s = this.stride;
    for (let c = 0; c < K; c++) {
      design.dense.forEach((col, jd) => {
        const w = this.coef[c * s + jd];
        const m = this.meanTerm[c * s + jd];
        const f = design.denseFeature[jd];
        for (let i = 0; i < n; i++) out[(i * F + f) * K + c] += w * (design.denseScale[jd] * col[i] + design.denseShift[jd]) - m;
      });
      for (const cat of design.cats) {
        let meanSum = 0;
        for (let l = 0; l < cat.nLevels; l++) meanSum += this.meanTerm[c * s + cat.offset + l];
        for (let i = 0; i < n; i++) {
          const code = cat.codes[i];
          out[(i * F + cat.feature) * K + c] += (code >= 0 ? this.coef[c * s + cat.offset + code] : 0) - meanSum;
        }
      }
    }
    if (this.outScale !== 1) for (let q = 0; q < out.length; q++) out[q] *= this.outScale;
    return out;
  }
}
