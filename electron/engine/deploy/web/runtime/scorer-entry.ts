// scorer.js: the ES module a developer imports. The build puts `import './model-data.js';` on its first
// line (scripts/build-electron.mjs buildWebScorer): that file sets the embedded model on globalThis
// before this body runs. The model is rebuilt once, at import time, so predict(rows) is synchronous.
//
//   import { predict } from './scorer.js';
//   predict([{ tenure: 12, Contract: 'Month-to-month' }]) // [{ prediction: 'Yes', probabilities: { No: 0.31, Yes: 0.69 } }]
import type { RowObject } from '../../../data/rows-table.ts';
import { WEB_MODEL_GLOBAL } from './web-model.ts';
import { createScorer, type WebPrediction, type WebReasons } from './scorer.ts';

const scorer = await createScorer((globalThis as Record<string, unknown>)[WEB_MODEL_GLOBAL]);

/** One `{ prediction, probabilities?, interval? }` per row, in order (the same numbers as Augur's predict). */
export function predict(rows: readonly RowObject[]): WebPrediction[] {
  return scorer.predict(rows);
}

/** The top reasons for one row's prediction, or null when this model cannot explain itself here. */
export function explain(row: RowObject): Promise<WebReasons | null> {
  return scorer.explain(row);
}

/** The model's inputs with their ranges or categories, and what it predicts. */
export const fields = scorer.fields;
export const model = { ...scorer.info, task: scorer.task, target: scorer.target, classes: scorer.classes };
