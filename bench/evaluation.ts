// `npm run bench -- evaluation [--dataset adult_income] [--work-units 20]`: how long understanding a
// real run's model takes, as the app does it: the part shown at the run's end (metrics with intervals,
// charts, calibration, conformal ranges, verdict) and the whole (plus slices and weak spots, permutation
// importance, the learning curve), and one row's explanation.
import path from 'node:path';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { prepareTraining } from '../electron/engine/data/prepare.ts';
import { checkData } from '../electron/engine/data/checks.ts';
import { completeBundle } from '../electron/engine/deploy/bundle.ts';
import { evaluateAndKeep, evaluateDeep, evidenceOf, explainTrainingRow } from '../electron/engine/evaluate/understand.ts';
import { runAutoML } from '../electron/engine/search/run.ts';

const DATASETS = process.env.AUGUR_DATASETS ?? '/work/shared/datasets';
const TARGETS: Record<string, string> = { adult_income: 'class', telco_churn: 'Churn', diamonds: 'price', penguins: 'species' };

export async function benchEvaluation(args: string[]): Promise<void> {
  const flag = (n: string) => {
    const i = args.indexOf(`--${n}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const name = flag('dataset') ?? 'adult_income';
  const workUnits = Number(flag('work-units') ?? 20);
  const { table, plans, summary } = await importCsvFile(path.join(DATASETS, `${name}.csv`));
  const settings = { target: TARGETS[name] ?? flag('target')! };
  const prepared = prepareTraining(table, settings);
  process.stdout.write(`Evaluation bench on ${name} (${table.nRows.toLocaleString('en-US')} rows): training with ${workUnits} work units, 2 workers…\n`);
  const run = await runAutoML(prepared, { budgetS: 120, workUnits, seed: 0, workers: 2 });
  const bundle = completeBundle(run.model, table, settings, { plans });
  const ev = evidenceOf(prepared, run, checkData(table, settings, summary.findings).findings);
  const time = async <T>(f: () => Promise<T>) => {
    const t0 = performance.now();
    const out = await f();
    return { out, s: (performance.now() - t0) / 1000 };
  };
  const fast = await time(() => evaluateAndKeep(bundle, ev));
  const parts: Record<string, number> = {};
  let last = performance.now();
  let phase = '';
  const deep = await time(() => evaluateDeep(bundle, ev, fast.out, {
    onProgress: (_f, message) => {
      if (message !== phase) {
        const now = performance.now();
        if (phase) parts[phase] = (parts[phase] ?? 0) + (now - last) / 1000;
        phase = message;
        last = now;
      }
    },
  }));
  const row = await time(() => explainTrainingRow(bundle, ev, 0));
  process.stdout.write(
    [
      `  model: ${run.summary.best.model} (${run.summary.metric} ${run.summary.best.score.toFixed(4)})`,
      `  shown at the run's end (fast part): ${fast.s.toFixed(2)} s`,
      `  the whole evaluation (fast + deep): ${(fast.s + deep.s).toFixed(2)} s`,
      ...Object.entries(parts).map(([k, v]) => `    ${k.replace(/…$/, '')}: ${v.toFixed(2)} s`),
      `  one row's explanation: ${(row.s * 1000).toFixed(0)} ms (${row.out.method})`,
      '',
    ].join('\n'),
  );
  bundle.fitted.dispose?.();
}
