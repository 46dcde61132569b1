// Helpers of the web export tests: rows as a developer or the page would give them, scorer.js run in a
// plain Node process (not through the test runner's module loader), and the app's answer for the same
// rows in the same shape.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RowObject } from '../../electron/engine/data/rows-table.ts';
import { rowsToTable } from '../../electron/engine/data/rows-table.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import { stringAt } from '../../electron/engine/data/table-ops.ts';
import type { ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { scoreTable } from '../../electron/engine/deploy/scoring.ts';
import { toDetails, type WebPrediction } from '../../electron/engine/deploy/web/runtime/scorer.ts';

/**
 * The table's rows as objects: text as a CSV has it, numbers as numbers in even rows and as text in odd
 * ones, empty cells as null; then rows a developer may send: an unseen category, all empty, no keys at
 * all, and keys the model does not know.
 */
export function rowsOf(table: Table, target: string, take = 60): RowObject[] {
  const cols = table.columns.filter((c) => c.name !== target);
  const at = cols.map((c) => stringAt(c));
  const rows: RowObject[] = [];
  for (let i = 0; i < Math.min(take, table.nRows); i++) {
    const r: RowObject = {};
    cols.forEach((c, j) => {
      const v = at[j](i);
      r[c.name] = v !== null && c.type === 'numeric' && i % 2 === 0 ? Number(v) : v;
    });
    rows.push(r);
  }
  const first = { ...rows[0] };
  rows.push({ ...first, colour: 'purple', member: 'maybe' });
  rows.push(Object.fromEntries(cols.map((c) => [c.name, null])));
  rows.push({});
  rows.push({ ...first, 'not a column': 12, size: '  42.5 ' });
  return rows;
}

/** What the app answers for `rows` (scoreTable on rowsToTable by the model's schema), as predict(rows) returns it. */
export function appAnswers(bundle: Pick<ModelBundle, 'encoder' | 'fitted' | 'taskInfo' | 'target' | 'settings' | 'postprocess' | 'schema'>, rows: RowObject[]): WebPrediction[] {
  return toDetails(scoreTable(bundle, rowsToTable(rows, bundle.schema))).map(({ prediction, probabilities, interval }) => {
    const p: WebPrediction = { prediction };
    if (probabilities) p.probabilities = probabilities;
    if (interval) p.interval = interval;
    return p;
  });
}

const RUNNER = `import { pathToFileURL } from 'node:url';
import path from 'node:path';
let text = '';
for await (const chunk of process.stdin) text += chunk;
const { dirs, rows } = JSON.parse(text);
const out = {};
for (const d of dirs) out[d] = (await import(pathToFileURL(path.join(d, 'scorer.js')).href)).predict(rows);
process.stdout.write(JSON.stringify(out));
`;

/** predict(rows) of each export's scorer.js, imported by a plain `node` process. */
export function predictInNode(workDir: string, dirs: string[], rows: RowObject[]): Record<string, WebPrediction[]> {
  const runner = path.join(workDir, 'run-scorers.mjs');
  fs.writeFileSync(runner, RUNNER);
  const r = spawnSync(process.execPath, [runner], { input: JSON.stringify({ dirs, rows }), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`scorer.js failed in Node: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, WebPrediction[]>;
}

/** JSON keeps doubles exactly (shortest round-trip form) but writes -0 as 0. */
export const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
