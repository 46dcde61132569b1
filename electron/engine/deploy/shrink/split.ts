// Which rows of the labelled file measure the cost and which the small model learns from. Distilling
// on the rows we measure on would flatter the student (it would have copied the original exactly
// there), so the file is split in two, seeded and stratified: by class for categories, by the sorted
// outcome for amounts (pairs of neighbouring values go one each way), so both halves look alike.
// Rows without an outcome cannot be measured but can be learned from (the student copies the
// original's answers, not the outcome), so they all go to the learning side.
import type { TaskInfo } from '../../models/types.ts';
import { mulberry32 } from '../../util/random.ts';

export interface ShrinkSplit {
  /** Rows (of the labelled table) the cost is measured on: never seen by any student. */
  measure: Int32Array;
  /** Rows the students learn the original's answers on. */
  distil: Int32Array;
}

/** Half of the rows with an outcome measure, the rest (and every row without one) teach. */
export function splitRows(y: Float64Array, task: TaskInfo, seed: number, measureShare = 0.5): ShrinkSplit {
  const rand = mulberry32(seed ^ 0x5eed);
  const measure: number[] = [];
  const distil: number[] = [];
  const labelled: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] === y[i] ? labelled : distil).push(i);
  const strata: number[][] = [];
  if (task.task === 'regression') {
    const sorted = labelled.slice().sort((a, b) => y[a] - y[b] || a - b);
    for (let i = 0; i < sorted.length; i += 2) strata.push(sorted.slice(i, i + 2));
  } else {
    const byClass = new Map<number, number[]>();
    for (const i of labelled) byClass.set(y[i], [...(byClass.get(y[i]) ?? []), i]);
    strata.push(...[...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k)!));
  }
  // Carried across strata so that many tiny strata (pairs) still split at the share asked for.
  let owed = 0;
  for (const s of strata) {
    for (let i = s.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [s[i], s[j]] = [s[j], s[i]];
    }
    owed += s.length * measureShare;
    const take = Math.min(s.length, Math.max(0, Math.round(owed)));
    owed -= take;
    measure.push(...s.slice(0, take));
    distil.push(...s.slice(take));
  }
  return { measure: Int32Array.from(measure.sort((a, b) => a - b)), distil: Int32Array.from(distil.sort((a, b) => a - b)) };
}
