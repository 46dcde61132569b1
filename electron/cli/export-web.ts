// `npm run automl -- export-web <model-dir-or-.augur> --out <dir> [--data <training.csv>] [--title <text>] [--json]`
// Writes a web page that scores with the model (index.html) and its ES-module scorer (scorer.js) into
// <dir>; see electron/engine/deploy/web/README.md. With --json it prints { "out", "files", "bytes" }
// (a contract other tools rely on); without, plain words.
import path from 'node:path';
import { importCsvFile } from '../engine/data/import.ts';
import { loadPackage } from '../engine/deploy/package.ts';
import { exportWeb, sweepWebTemps } from '../engine/deploy/web/export.ts';
import { UserError } from '../engine/util/errors.ts';
import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';

const USAGE = 'export-web <model-dir-or-.augur> --out <dir> [--data <training.csv>] [--title <text>] [--json]';
const KNOWN = ['out', 'data', 'title', 'json'];

const FROM: Record<string, string> = {
  training: 'The form shows the ranges and typical values of the training file.',
  background: 'The form shows the ranges of the training rows kept with the model (give the training file with --data for the full ranges).',
  model: 'The form has no ranges or typical values: give the training file with --data to show them.',
};
const REASONS: Record<string, string> = {
  exact: 'The page gives the reasons for each answer.',
  sampled: 'The page gives the reasons for an answer on request (they take a few seconds for this kind of model).',
  none: 'The page cannot give reasons: the model was saved without example rows to compare with (give the training file with --data).',
};

export const exportWebCommand: CliCommand = {
  name: 'export-web',
  summary: 'Write a web page (and a JavaScript scorer) that predicts with a saved model, offline.',
  usage: USAGE,
  async run(args) {
    const { positional, flags } = parseArgs(args, ['json']);
    const unknown = Object.keys(flags).filter((f) => !KNOWN.includes(f));
    if (unknown.length) throw new UserError('bad_option', `Unknown option --${unknown[0]}. Usage: npm run automl -- ${USAGE}`);
    const model = positional[0];
    if (!model) throw new UserError('no_model', `Name the saved model (a folder or a .augur file). Usage: npm run automl -- ${USAGE}`);
    if (typeof flags.out !== 'string') throw new UserError('no_out', 'Say which folder to write the web page into with --out <dir>.');
    if (flags.data === true) throw new UserError('bad_option', "Give the training file's name after --data.");
    if (flags.title === true) throw new UserError('bad_option', 'Give the page\'s title after --title.');
    const json = flags.json === true;
    const out = path.resolve(flags.out);

    const t0 = performance.now();
    const bundle = await loadPackage(model, { loader: 'pure' });
    try {
      const training = typeof flags.data === 'string' ? (await importCsvFile(flags.data, { schema: bundle.schema })).table : undefined;
      await sweepWebTemps(out);
      const r = await exportWeb(bundle, out, { training, title: typeof flags.title === 'string' ? flags.title : undefined });
      if (json) {
        process.stdout.write(JSON.stringify({ out: r.out, files: r.files, bytes: r.bytes }, null, 2) + '\n');
        return 0;
      }
      const lines = [
        `Wrote a web page for this model to ${r.out} (${r.files.length} files, ${(r.bytes / 1e6).toFixed(2)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s.`,
        `Open ${path.join(r.out, 'index.html')} in a browser: it works offline, and nothing typed into it leaves the page.`,
        FROM[r.fieldsFrom],
        REASONS[r.reasons ?? 'none'],
        "Developers: import { predict } from './scorer.js' (see README.md in the folder).",
      ];
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    } finally {
      bundle.fitted.dispose?.();
    }
  },
};
