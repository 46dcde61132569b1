// What drives a model's predictions, per original column: per-row contributions (exact for trees and
// linear models, sampled otherwise), permutation importance on held-out rows, the what-if form, and the
// "do I need more data?" learning curve. See README.md in this folder.
export { columnGroups, featureColumns, groupsOf, sumByColumn, type ColumnGroup } from './columns.ts';
export { ensembleParts, explainRows, type ExplainMethod, type ExplainOptions, type ExplainSpace, type Explanation } from './explainer.ts';
export { heldOutParts, permutationImportance, type ColumnImportance, type HeldOutPart, type ImportanceOptions, type PermutationImportance } from './importance.ts';
export { learningCurve, readCurve, type CurveVerdict, type LearningCurve, type LearningCurveOptions, type LearningPoint } from './learning-curve.ts';
export { explainRow, explainValues, reasonsFor, type Contribution, type ExplainContext, type RowExplanation } from './row.ts';
export { pickBackground, samplingShap, type SampledShap, type SamplingOptions } from './sampling.ts';
export { TreeShap } from './tree-shap.ts';
export { BACKGROUND_ROWS, backgroundFromJSON, backgroundToJSON, type BackgroundJSON } from './background.ts';
export { rowsToTable, whatIfFields, type TypedValue, type WhatIfField } from './what-if.ts';
