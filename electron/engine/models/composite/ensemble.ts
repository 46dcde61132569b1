// A weighted average of models: the Caruana selection over a run's trials ('weighted', see
// search/ensemble.ts) or the k fold models of one configuration ('bag'). Members may be ensembles
// themselves. Pure (the web scorer bundles it): members are rebuilt through the loader registry that
// the caller passes in (models/loaders.ts), so this file imports no family.
import { UserError } from '../../util/errors.ts';
import type { Dataset, Fitted, FittedJSON, ModelFamily, TaskInfo } from '../types.ts';
import { parseTaskInfo } from '../validate.ts';

export type EnsembleKind = 'bag' | 'weighted';
export const ENSEMBLE_FORMAT = 1;
/** Bounds for a saved ensemble (untrusted input): members per level and levels of nesting. */
export const MAX_MEMBERS = 1000;
export const MAX_NESTING = 4;

/** Rebuilds one saved model of any kind (the loader registry); nested ensembles come back through it. */
export type LoadFn = (json: FittedJSON, depth: number) => Promise<Fitted>;

export class EnsembleFitted implements Fitted {
  readonly family = 'ensemble';
  constructor(
    readonly taskInfo: TaskInfo,
    readonly members: Fitted[],
    readonly weights: number[],
    /** 'bag': the k fold models of one configuration; 'weighted': Caruana selection over configurations. */
    readonly kind: EnsembleKind,
  ) {
    if (members.length !== weights.length || members.length === 0 || members.length > MAX_MEMBERS) {
      throw new UserError('bad_ensemble', 'An ensemble needs between one and a thousand models, each with one weight.');
    }
    if (!weightsOk(weights)) throw new UserError('bad_ensemble', 'The weights of an ensemble must be non-negative numbers that add up to one.');
    for (const m of members) {
      if (m.taskInfo.task !== taskInfo.task || m.taskInfo.nClasses !== taskInfo.nClasses) {
        throw new UserError('bad_ensemble', 'Every model in an ensemble must predict the same thing.');
      }
    }
  }

  predict(data: Dataset): Float64Array {
    let out: Float64Array | undefined;
    this.members.forEach((m, i) => {
      const w = this.weights[i];
      if (!(w > 0)) return;
      const p = m.predict(data);
      out ??= new Float64Array(p.length);
      for (let j = 0; j < out.length; j++) out[j] += w * p[j];
    });
    return out!;
  }

  toJSON(): FittedJSON {
    return { ...this.headJSON(), members: this.members.map((m) => m.toJSON()) };
  }

  headJSON(): FittedJSON {
    return { family: 'ensemble', formatVersion: ENSEMBLE_FORMAT, kind: this.kind, taskInfo: this.taskInfo, weights: this.weights };
  }

  featureImportance(): Float64Array {
    let out: Float64Array | undefined;
    this.members.forEach((m, i) => {
      const imp = m.featureImportance?.();
      if (!imp) return;
      let s = 0;
      for (const v of imp) s += Math.abs(v);
      out ??= new Float64Array(imp.length);
      for (let j = 0; j < imp.length; j++) out[j] += (this.weights[i] * Math.abs(imp[j])) / (s || 1);
    });
    return out ?? new Float64Array(0);
  }

  dispose(): void {
    for (const m of this.members) m.dispose?.();
  }
}

/** Non-negative weights adding up to one (to rounding), so a blend of probabilities is a probability. */
function weightsOk(weights: unknown[]): weights is number[] {
  let sum = 0;
  for (const w of weights) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) return false;
    sum += w;
  }
  return Math.abs(sum - 1) <= 1e-9;
}

function damaged(): UserError {
  return new UserError('model_damaged', 'The saved ensemble is damaged or was made by a newer version of Augur.');
}

/** Rebuilds a saved ensemble (untrusted input); members come back through `load`, one level deeper. */
export async function ensembleFromJSON(json: FittedJSON, load: LoadFn, depth = 0): Promise<EnsembleFitted> {
  const j = json as FittedJSON & { kind?: unknown; taskInfo?: unknown; weights?: unknown; members?: unknown };
  if (!j || j.family !== 'ensemble' || j.formatVersion !== ENSEMBLE_FORMAT || (j.kind !== 'bag' && j.kind !== 'weighted')) throw damaged();
  const taskInfo = parseTaskInfo(j.taskInfo);
  if (!taskInfo || !Array.isArray(j.members) || !Array.isArray(j.weights) || depth >= MAX_NESTING) throw damaged();
  const weights = j.weights as unknown[];
  if (weights.length !== j.members.length || j.members.length === 0 || j.members.length > MAX_MEMBERS) throw damaged();
  if (!weightsOk(weights)) throw damaged();
  const members: Fitted[] = [];
  try {
    for (const m of j.members as FittedJSON[]) members.push(await load(m, depth + 1));
    return new EnsembleFitted(taskInfo, members, weights as number[], j.kind);
  } catch (err) {
    for (const m of members) m.dispose?.();
    throw err instanceof UserError ? err : damaged();
  }
}

/**
 * The 'ensemble' entry of the trainer registry: it only loads saved ensembles (they are built by the
 * search from finished trials, never fitted from parameters). `load` is the app's loader.
 */
export function ensembleFamily(load: (json: FittedJSON) => Promise<Fitted>): ModelFamily<Record<string, never>> {
  return {
    name: 'ensemble',
    displayName: 'Ensemble',
    defaults: () => ({}),
    async fit() {
      throw new UserError('not_trainable', 'Ensembles are built by the AutoML run from finished models, not trained directly.');
    },
    fromJSON: (json) => load(json),
  };
}
