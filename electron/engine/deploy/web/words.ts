// The page's words about the model: its heading, what it predicts, how good it is (plain words, the
// metric's own hint), what kind of model it is and when it was made.
import { formatScore, metricPlain } from '../../../../shared/metrics.ts';
import type { ModelBundle } from '../bundle.ts';
import type { WebModelInfo } from './runtime/web-model.ts';

const MAX_LISTED = 6;

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function quoteList(xs: string[], joiner: string): string {
  const q = xs.slice(0, MAX_LISTED).map((x) => `“${x}”`);
  if (xs.length > MAX_LISTED) return `${q.join(', ')} and ${xs.length - MAX_LISTED} more`;
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} ${joiner} ${q[q.length - 1]}`;
}

export function modelInfo(bundle: ModelBundle, o: { title?: string; description: string; fieldsFrom: WebModelInfo['fieldsFrom'] }): WebModelInfo {
  const t = bundle.target;
  const inputs = new Set(bundle.encoder.sources.map((s) => s.column)).size;
  const from = `from ${inputs} ${inputs === 1 ? 'input' : 'inputs'}`;
  const classes = t.classes ?? [];
  const predicts = bundle.taskInfo.task === 'regression'
    ? `Predicts ${t.name} (an amount) ${from}.`
    : bundle.taskInfo.task === 'binary'
      ? `Predicts whether ${t.name} is ${quoteList(classes.slice().reverse(), 'or')} ${from}, with the chance of each.`
      : `Predicts ${t.name}: one of ${quoteList(classes, 'or')}, ${from}, with the chance of each.`;
  return {
    title: (o.title?.trim() || `${capital(t.name)} predictor`).slice(0, 200),
    predicts,
    quality: qualityText(bundle),
    // the kind of model, without an ensemble's member list (README.md has it)
    description: capital(o.description.split(':')[0]),
    created: bundle.made?.created ?? null,
    appVersion: bundle.made?.appVersion ?? null,
    fieldsFrom: o.fieldsFrom,
  };
}

/** "Ranking quality 85% on rows it did not learn from: how well ..." (test rows when there were some). */
function qualityText(bundle: ModelBundle): string | null {
  const { metric, valid, test } = bundle.metrics;
  const v = test?.[metric] ?? valid[metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const plain = metricPlain(metric);
  const where = test?.[metric] !== undefined ? `on ${test.rows.toLocaleString('en-US')} test rows it never saw` : 'on rows it did not learn from';
  return `${plain.label}: ${formatScore(metric, v)} ${where}. ${plain.hint}`;
}
