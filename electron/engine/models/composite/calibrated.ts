// A model whose probabilities pass through a fitted calibrator (kept only when it lowered log loss
// on held-out folds, see evaluate/calibration.ts). A Fitted like any other: it saves the inner model
// and the calibrator together, and loads the inner one through the loader it is given.
import { UserError } from '../../util/errors.ts';
import type { Dataset, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { calibratorFromJSON, type Calibrator } from './calibrators.ts';

export const CALIBRATED_FAMILY = 'calibrated';
const FORMAT_VERSION = 1;

export class CalibratedFitted implements Fitted {
  readonly family = CALIBRATED_FAMILY;
  readonly taskInfo: TaskInfo;
  /** The composite convention (types.ts): the one sub-model, saved under `members`. */
  readonly members: readonly Fitted[];

  constructor(readonly inner: Fitted, readonly calibrator: Calibrator) {
    const t = inner.taskInfo;
    if (t.task === 'regression') throw new Error('Only predicted chances can be calibrated, not amounts.');
    if ((calibrator.kind === 'temperature') !== (t.task === 'multiclass')) {
      throw new Error(`A ${calibrator.kind} calibrator does not fit a ${t.task} model.`);
    }
    const j = calibrator.toJSON();
    if (j.kind === 'temperature' && j.classes !== t.nClasses) throw new Error(`The calibrator has ${j.classes} classes, the model ${t.nClasses}.`);
    this.taskInfo = t;
    this.members = [inner];
  }

  predict(data: Dataset): Float64Array {
    return this.calibrator.apply(this.inner.predict(data));
  }

  toJSON(): FittedJSON {
    return { ...this.headJSON(), members: [this.inner.toJSON()] };
  }

  headJSON(): FittedJSON {
    return { family: CALIBRATED_FAMILY, formatVersion: FORMAT_VERSION, calibrator: this.calibrator.toJSON() as unknown as Record<string, unknown> };
  }

  featureImportance(): Float64Array {
    return this.inner.featureImportance?.() ?? new Float64Array(0);
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}

/** Loads any saved model (the loader registry's entry point); the calibrated wrapper never names families itself. */
export type LoadFitted = (json: FittedJSON) => Promise<Fitted>;

/** Rebuilds a calibrated model from untrusted JSON; the inner model is loaded by `loadInner`. */
export async function calibratedFromJSON(json: unknown, loadInner: LoadFitted): Promise<CalibratedFitted> {
  const bad = () => new UserError('damaged_model', 'This model file is damaged: the calibrated model in it cannot be read.', 'Train the model again.');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad();
  const o = json as Record<string, unknown>;
  if (o.family !== CALIBRATED_FAMILY || o.formatVersion !== FORMAT_VERSION) throw bad();
  for (const k of Object.keys(o)) if (!['family', 'formatVersion', 'calibrator', 'members'].includes(k)) throw bad();
  if (!Array.isArray(o.members) || o.members.length !== 1) throw bad();
  const inner = o.members[0] as FittedJSON | undefined;
  if (typeof inner !== 'object' || inner === null || typeof inner.family !== 'string') throw bad();
  const calibrator = calibratorFromJSON(o.calibrator);
  const model = await loadInner(inner);
  try {
    return new CalibratedFitted(model, calibrator);
  } catch {
    model.dispose?.();
    throw bad();
  }
}
