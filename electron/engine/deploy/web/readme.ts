// README.md of a web export: what the folder holds and how a developer calls the scorer.
import type { WebModelData } from './runtime/web-model.ts';

const FENCE = '```';

function exampleRow(data: WebModelData): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {};
  for (const f of data.fields.slice(0, 4)) row[f.column] = f.kind === 'number' ? f.typical : f.typical || null;
  return row;
}

function exampleAnswer(data: WebModelData): string {
  const t = data.taskInfo.task;
  if (t === 'regression') return `{ prediction: 1234.5${data.postprocess?.conformal ? ', interval: [1010.2, 1460.8]' : ''} }`;
  const cs = data.target.classes ?? [];
  const p = cs.map((c, i) => `${JSON.stringify(c)}: ${(i === 0 ? 0.7 : 0.3 / Math.max(1, cs.length - 1)).toFixed(2)}`).join(', ');
  return `{ prediction: ${JSON.stringify(cs[0] ?? '')}, probabilities: { ${p} } }`;
}

export function developerReadme(data: WebModelData, networkFiles: string[], description: string): string {
  const cols = data.schema.columns.filter((c) => c.role === 'feature');
  const dates = cols.filter((c) => c.type === 'date' && c.storage.dateFormat && c.storage.dateFormat.order !== 'ymd');
  const lines = [
    `# ${data.info.title}`,
    '',
    `${data.info.predicts} ${data.info.quality ?? ''}`.trim(),
    '',
    `The model: ${description}.`,
    '',
    'Open `index.html` in a browser (from disk or any static host; it works offline). Everything runs on the page: nothing is sent anywhere.',
    '',
    '## Files',
    '',
    '| file | what |',
    '|---|---|',
    '| `index.html`, `page.css`, `page.js` | the page: a form with the model\'s inputs, the answer, its range, the chances and the reasons |',
    '| `scorer.js` | the scorer as an ES module (no dependencies; it imports only `model-data.js`) |',
    '| `model-data.js` | the model (sets `globalThis.AugurModelData`); both scripts read it, so nothing needs `fetch` |',
    ...(networkFiles.length ? ['| `model/…/model.json`, `weights.bin` | the neural network as standard TensorFlow.js Layers files (`tf.loadLayersModel`); the scorer does not need them |'] : []),
    '| `augur-web.json` | marks this folder as an Augur export (a later export may replace it) |',
    '',
    '## Use the scorer in code',
    '',
    `${FENCE}js`,
    "import { predict, explain, fields, model } from './scorer.js';",
    '',
    `const answers = predict([${JSON.stringify(exampleRow(data))}]);`,
    `// [${exampleAnswer(data)}]`,
    FENCE,
    '',
    '- `predict(rows)`: an array of objects keyed by the training column names; values are strings or numbers, `null` (or a missing key) for empty.',
    '  Returns one `{ prediction, probabilities?, interval? }` per row, in order: the same numbers Augur gives for the same rows.',
    '  `probabilities` (categories) maps each answer to its chance; `interval` (amounts, when the model has one) is `[low, high]`.',
    '- Values are read the way the training file wrote them: text is matched as written, numbers may be numbers or text.',
    ...(dates.length ? [`  Dates are read in the training file's order (${dates.map((c) => `"${c.name}": ${c.storage.dateFormat!.order}`).join(', ')}).`] : []),
    '- `explain(row)`: a promise of `{ reasons, contributions }` for one row, or `null` when this model cannot explain itself here.',
    '- `fields`: the inputs with their ranges or categories; `model`: what it predicts, its classes and how good it is.',
    '',
    'In Node (18+), `package.json` here says `"type": "module"`, so `import(\'./scorer.js\')` works as is.',
    networkFiles.length ? '\nThe network is scored with a plain-JavaScript forward pass over the same weights (the same numbers as Augur), so TensorFlow.js is not needed; the Layers files are here for projects that already use it.' : '',
    '',
    `Inputs (${cols.length}): ${cols.map((c) => `\`${c.name.replace(/`/g, "'")}\``).join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}
