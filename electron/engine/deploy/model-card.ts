// README.md of a model package: a model card in plain words for whoever opens the folder (what it
// predicts, from which columns, how good, where weak, made when and how). Written from the manifest,
// never read back (editing it does not damage the package).
import { metricSpec } from '../../../shared/metrics.ts';
import { metricInfo, type MetricName } from '../evaluate/metrics.ts';
import { EnsembleFitted } from '../models/composite/ensemble.ts';
import type { Fitted } from '../models/types.ts';
import { formatScore } from '../search/summary.ts';
import type { Manifest } from './manifest.ts';

const FAMILY_NAMES: Record<string, string> = {
  baseline: 'the baseline (the most common answer / the average)',
  linear: 'a linear model',
  gbdt: 'gradient-boosted trees',
  random_forest: 'a random forest',
  extra_trees: 'extra trees',
  mlp: 'a neural network',
};

/** One line on what the model is: "an ensemble of 3 models: gradient-boosted trees (60%), ...". */
export function describeModel(f: Fitted): string {
  const one = (m: Fitted): string => {
    if (!(m instanceof EnsembleFitted)) return FAMILY_NAMES[m.family] ?? m.family;
    if (m.kind === 'bag') return `${one(m.members[0])} (${m.members.length} versions trained on different rows, averaged)`;
    return `an ensemble of ${m.members.length} models`;
  };
  if (!(f instanceof EnsembleFitted) || f.kind === 'bag') return one(f);
  const parts = f.members.map((m, i) => `${one(m)} (${Math.round(f.weights[i] * 100)}%)`);
  return `an ensemble of ${f.members.length} models: ${parts.join(', ')}`;
}

const esc = (s: string) => s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

export function modelCard(m: Manifest): string {
  const t = m.target;
  const what =
    m.taskInfo.task === 'regression'
      ? `a number: "${esc(t.name)}"`
      : `"${esc(t.name)}": one of ${t.classes!.length} answers (${t.classes!.slice(0, 10).map((c) => `"${esc(c)}"`).join(', ')}${t.classes!.length > 10 ? ', …' : ''})`;
  const features = m.schema.columns.filter((c) => c.role === 'feature');
  const ignored = m.schema.columns.filter((c) => c.role === 'ignored');
  const score = (name: string, v: number) => `${metricInfo(name as MetricName).label} ${formatScore(name as MetricName, v)}`;
  const valid = Object.entries(m.metrics.valid).map(([k, v]) => score(k, v as number));
  const test = m.metrics.test ? Object.entries(m.metrics.test).filter(([k]) => k !== 'rows').map(([k, v]) => score(k, v as number)) : [];
  const lines = [
    `# A model that predicts ${what}`,
    '',
    `Made with Augur ${esc(m.appVersion)} on ${m.created.slice(0, 10)} from ${m.fingerprint.rows.toLocaleString('en-US')} rows and ${m.fingerprint.columns} columns.`,
    `Open this ${'folder or .augur file'} in Augur to score a new file with it.`,
    '',
    '## What it uses',
    '',
    `${features.length} column${features.length === 1 ? '' : 's'}: ${features.map((c) => `${esc(c.name)} (${c.type})`).join(', ')}.`,
    ...(ignored.length ? ['', `Not used: ${ignored.map((c) => esc(c.name)).join(', ')}.`] : []),
    '',
    '## How good it is',
    '',
    `On rows it did not learn from while Augur chose it: ${valid.join(', ') || 'not measured'}.`,
    ...(test.length ? ['', `On ${m.metrics.test!.rows.toLocaleString('en-US')} held-out rows it never saw: ${test.join(', ')}.`] : []),
    '',
    '## Where it is weak',
    '',
    m.evaluation
      ? 'See the evaluation saved with this model (open it in Augur for the details by group of rows).'
      : 'Not measured yet: Augur\'s evaluation (how well it does for each group of rows) was not run for this model.',
    '',
    '## How it was made',
    '',
    `Augur tried several kinds of models and kept ${esc(m.model.description)}.`,
    `The target "${esc(t.name)}" is a ${m.taskInfo.task === 'regression' ? 'number' : m.taskInfo.task === 'binary' ? 'yes/no kind of answer' : 'choice between several answers'}; scores were measured with ${metricInfo(m.metrics.metric).label} as the main score.`,
    '',
    ...smallVersionLines(m),
    '## Files',
    '',
    '- `manifest.json`: what the model is, its columns and how each is read, its scores (read by Augur).',
    '- `model/`: the model itself (trees and linear models as JSON, neural networks as TensorFlow.js `model.json` + `weights.bin`).',
    ...(m.arrays.length ? ['- `arrays.bin`: the checks Augur made while choosing the model (predictions on rows it did not learn from).'] : []),
    '',
  ];
  return lines.join('\n');
}

const kb = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1024))} KB`);
const times = (a: number, b: number) => (b > 0 && a / b >= 1.05 ? `${a / b >= 10 ? Math.round(a / b) : (a / b).toFixed(1)} times` : '');

/** The card's section on a small version: made from what, how, and what it costs (deploy/shrink). */
function smallVersionLines(m: Manifest): string[] {
  const v = m.smallVersion;
  if (!v) return [];
  const label = metricInfo(v.metric).label;
  const how = v.kind === 'quantised'
    ? 'the same model with its numbers stored more compactly (network weights in 8 bits, tree values to 7 digits)'
    : `${esc(v.student ?? 'a smaller model')} trained to give the original's answers (on ${v.learnedRows.toLocaleString('en-US')} rows of the file it was checked with${v.syntheticRows ? ` and ${v.syntheticRows.toLocaleString('en-US')} rows made like them` : ''})`;
  const loss = v.lossPoints <= 0 ? 'no less accurate' : `${metricSpec(v.metric).percent ? `${v.lossPoints.toFixed(1)} points` : `${v.lossPoints.toFixed(1)}% more error`} less accurate`;
  const smaller = times(v.modelBytesBefore, v.modelBytesAfter);
  const faster = times(v.latencyUsBefore, v.latencyUsAfter);
  return [
    '## A small version',
    '',
    `This is a small, fast version of a model${v.ofCreated ? ` made on ${esc(v.ofCreated.slice(0, 10))}` : ''}, ${esc(v.of)}.`,
    `It is ${how}.`,
    `On ${v.rows.toLocaleString('en-US')} held-out rows that neither model learned from, its ${label} is ${formatScore(v.metric, v.after)} against ${formatScore(v.metric, v.before)} for the original: ${loss} (the limit asked for was ${v.maxLossPoints} ${metricSpec(v.metric).percent ? 'points' : '% more error'}).`,
    `Its model files take ${kb(v.modelBytesAfter)} instead of ${kb(v.modelBytesBefore)}${smaller ? ` (${smaller} smaller)` : ''}, and it answers for one row in ${Math.round(v.latencyUsAfter)} µs instead of ${Math.round(v.latencyUsBefore)} µs${faster ? ` (${faster} faster)` : ''} on the computer that made it.`,
    '',
  ];
}
