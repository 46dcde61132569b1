// `npm run automl -- shrink <model> <labelled.csv> --out <dir> [--max-loss <points>] [--json]`: a small,
// fast version of a saved model (deploy/shrink), measured on a labelled file. With --json it prints one
// JSON object (a contract other tools rely on):
//   { "before": { "bytes", "latency_us", "<metric>" }, "after": { "bytes", "latency_us", "<metric>" }, "kind", ... }
// where "kind" is what was kept: "distilled", "quantised" or "original" (no smaller version was within
// the bound). `<dir>` is a normal model package. Ctrl-C stops before anything is written.
import path from 'node:path';
import { importCsvFile } from '../engine/data/import.ts';
import { loadPackage, savePackage, sweepPackageTemps, writeAugurFile } from '../engine/deploy/package.ts';
import { DEFAULT_MAX_LOSS, pointsWords, shrinkModel, type ShrinkCandidate, type ShrinkResult } from '../engine/deploy/shrink/index.ts';
import { formatScore } from '../engine/search/summary.ts';
import { CancelledError, UserError } from '../engine/util/errors.ts';
import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';

const USAGE = 'shrink <model folder or .augur> <labelled.csv> --out <dir or file.augur> [--max-loss <points>] [--learn-from <file.csv>] [--seed <n>] [--json]';
const KNOWN = ['out', 'max-loss', 'learn-from', 'seed', 'json'];

export const shrinkCommand: CliCommand = {
  name: 'shrink',
  summary: 'Make a small, fast version of a saved model and measure what it costs on a labelled file.',
  usage: USAGE,
  async run(args) {
    const { positional, flags } = parseArgs(args, ['json']);
    const unknown = Object.keys(flags).filter((f) => !KNOWN.includes(f));
    if (unknown.length) throw new UserError('bad_option', `Unknown option --${unknown[0]}. Usage: npm run automl -- ${USAGE}`);
    const [modelPath, csv] = positional;
    if (!modelPath || !csv) throw new UserError('no_file', `Name the saved model and a CSV file with known outcomes. Usage: npm run automl -- ${USAGE}`);
    if (typeof flags.out !== 'string') throw new UserError('no_out', 'Say where to save the small version with --out <folder>.');
    const maxLoss = flags['max-loss'] === undefined ? DEFAULT_MAX_LOSS : Number(flags['max-loss']);
    if (flags['max-loss'] === true || !Number.isFinite(maxLoss) || maxLoss < 0) throw new UserError('bad_option', '--max-loss needs a number of points, 0 or more (for example 0.5).');
    const seed = flags.seed === undefined ? 0 : Number(flags.seed);
    if (flags.seed === true || !Number.isInteger(seed) || seed < 0) throw new UserError('bad_option', '--seed needs a whole number, 0 or more.');
    const json = flags.json === true;
    const say = (s: string) => { if (!json) process.stdout.write(s + '\n'); };
    const out = path.resolve(flags.out);
    if (path.resolve(modelPath) === out) throw new UserError('same_place', 'Save the small version somewhere else than the original model.', 'Choose a new folder for --out.');

    const bundle = await loadPackage(modelPath);
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      say('\nStopping… (nothing will be saved)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    let result: ShrinkResult | undefined;
    try {
      const { table } = await importCsvFile(csv, { schema: bundle.schema });
      const learnRows = typeof flags['learn-from'] === 'string' ? (await importCsvFile(flags['learn-from'], { schema: bundle.schema })).table : undefined;
      say(`Making a small version of the model that predicts "${bundle.target.name}", measured on "${path.basename(csv)}" (at most ${pointsWords(bundle.metrics.metric, maxLoss)} less accurate)…`);
      let last = '';
      result = await shrinkModel(bundle, table, {
        maxLoss, seed, learnRows, signal: controller.signal,
        onProgress: (p) => {
          if (p.message !== last) say(`  ${p.message}`);
          last = p.message;
        },
      });
      if (controller.signal.aborted) throw new CancelledError();
      // What a killed earlier save left beside the target: put back or removed.
      await sweepPackageTemps(path.dirname(out));
      const chosen = result.bundles[result.chosen];
      const opts = result.chosen === 0 && bundle.made ? { created: new Date(bundle.made.created) } : {};
      const saved = out.toLowerCase().endsWith('.augur') ? (await writeAugurFile(chosen, out, opts)).file : (await savePackage(out, chosen, opts)).dir;
      report(result, saved, json, say);
      return 0;
    } catch (err) {
      if (err instanceof CancelledError || controller.signal.aborted) {
        if (!json) process.stderr.write('Stopped. Nothing was saved.\n');
        return 130;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
      result?.dispose();
      bundle.fitted.dispose?.();
    }
  },
};

const round = (x: number, d = 6) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

function point(c: ShrinkCandidate, metric: string): Record<string, number | null> {
  return { bytes: c.bytes, latency_us: round(c.latencyUs, 1), [metric]: round(c.score) };
}

function report(r: ShrinkResult, saved: string, json: boolean, say: (s: string) => void): void {
  const before = r.candidates[0];
  const after = r.candidates[r.chosen];
  if (json) {
    const out = {
      before: point(before, r.metric),
      after: point(after, r.metric),
      kind: after.kind,
      metric: r.metric,
      max_loss: r.maxLoss,
      loss_points: round(after.lossPoints, 4),
      bound_met: r.boundMet,
      rows: r.rows,
      candidates: r.candidates.map((c) => ({
        id: c.id, kind: c.kind, label: c.label, bytes: c.bytes, augur_bytes: c.augurBytes, latency_us: round(c.latencyUs, 1),
        [r.metric]: round(c.score), loss_points: round(c.lossPoints, 4), within_bound: c.withinBound,
      })),
      out: saved,
      sentence: r.sentence,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  say('');
  const size = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${(b / 1024).toFixed(0)} KB`);
  for (const c of r.candidates) {
    const mark = c === after ? '→' : ' ';
    say(`${mark} ${c.label.padEnd(44)} ${size(c.bytes).padStart(8)}  ${`${Math.round(c.latencyUs)} µs`.padStart(9)}  ${formatScore(r.metric, c.score).padStart(8)}  ${c.id === 'original' ? '' : `${pointsWords(r.metric, c.lossPoints)} less accurate`}`);
  }
  say('');
  say(r.sentence);
  say(`Saved ${after.kind === 'original' ? 'the original model' : 'the small version'} to ${saved}.`);
}
