// `npm run bench -- shrink [--only adult_income,diamonds,penguins] [--work-units 20] [--max-loss 0.5] [--models <dir>] [--no-learn-from]`:
// the small version's size / latency / accuracy table. For each dataset, a short real run
// (`npm run automl -- train ... --test-rows <split> --work-units 20 --workers 1 --out <dir>`, in a child
// process as a user would) makes the model; then the fixed test rows are the labelled file shrink
// measures on: every version (the original, its quantised twin, each student tried) with its package
// and .augur bytes, its median one-row latency through scoreTable on this machine and the run's metric.
// Two ways to learn the students: from half of the test rows (the CLI contract: the other half
// measures), and from the training rows (what the app can do: it has them; every test row measures).
// `--models <dir>` keeps the trained packages there and reuses them on the next run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatScore } from '../shared/metrics.ts';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { readRowIndexFile } from '../electron/engine/data/row-list.ts';
import { complementRows, takeRows } from '../electron/engine/data/table-ops.ts';
import { loadPackage } from '../electron/engine/deploy/package.ts';
import { pointsWords, shrinkModel, type ShrinkResult } from '../electron/engine/deploy/shrink/index.ts';

const DATA_DIR = process.env.AUGUR_DATASETS ?? '/work/shared/datasets';
const CLI = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'electron', 'cli.ts');

interface DatasetEntry { name: string; file: string; target: string; task: string }

function train(args: string[]): Promise<{ code: number; stderr: string; wallS: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr, wallS: (performance.now() - t0) / 1000 }));
  });
}

const size = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x`;

function candidateTable(r: ShrinkResult): string {
  const rows = r.candidates.map((c, i) => [
    c.label, size(c.bytes), size(c.augurBytes), c.latencyUs.toFixed(0), formatScore(r.metric, c.score) + ` (${c.score.toFixed(4)})`,
    i === 0 ? '' : pointsWords(r.metric, c.lossPoints), c.withinBound ? 'yes' : 'no', i === r.chosen ? '**kept**' : '',
  ]);
  const header = ['version', 'package', '.augur', 'latency µs', r.metric, 'cost', 'within', ''];
  return [header, header.map(() => '---'), ...rows].map((x) => `| ${x.join(' | ')} |`).join('\n');
}

export async function benchShrink(args: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = (flag('only') ?? 'adult_income,diamonds,penguins').split(',');
  const workUnits = flag('work-units') ?? '20';
  const maxLoss = Number(flag('max-loss') ?? 0.5);
  const modelsDir = flag('models') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'augur-bench-shrink-'));
  const modes: ('split' | 'training')[] = args.includes('--no-learn-from') ? ['split'] : ['split', 'training'];
  const meta = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'datasets.json'), 'utf8')) as { datasets: DatasetEntry[] };
  const summary: string[][] = [];
  process.stdout.write(`Shrink bench: train --work-units ${workUnits} --workers 1 on each dataset's training rows, then shrink measured on its fixed test rows (bound ${maxLoss}).\n`);
  for (const d of meta.datasets.filter((x) => only.includes(x.name))) {
    const file = path.join(DATA_DIR, d.file);
    const split = path.join(DATA_DIR, 'splits', `${d.name}.test-rows.txt`);
    const pkg = path.join(modelsDir, d.name);
    if (!fs.existsSync(path.join(pkg, 'manifest.json'))) {
      const t = await train([file, '--target', d.target, '--test-rows', split, '--work-units', workUnits, '--workers', '1', '--out', pkg, '--json']);
      if (t.code !== 0) {
        process.stdout.write(`  ${d.name}: training failed: ${t.stderr.trim().split('\n').pop()}\n`);
        continue;
      }
      process.stdout.write(`  ${d.name}: trained in ${t.wallS.toFixed(0)} s\n`);
    }
    const bundle = await loadPackage(pkg);
    const { table } = await importCsvFile(file, { schema: bundle.schema });
    const testRows = readRowIndexFile(split);
    const test = takeRows(table, testRows);
    for (const mode of modes) {
      const learnRows = mode === 'training' ? takeRows(table, complementRows(table.nRows, testRows)) : undefined;
      const t0 = performance.now();
      const r = await shrinkModel(bundle, test, { maxLoss, learnRows });
      const s = (performance.now() - t0) / 1000;
      const how = mode === 'split' ? `learned from half of the test rows (${r.rows.learned} + ${r.rows.synthetic} synthetic), measured on the other ${r.rows.measured}` : `learned from the ${r.rows.learned} training rows, measured on all ${r.rows.measured} test rows`;
      process.stdout.write(`\n### ${d.name} (${bundle.fitted.family}; ${how}; ${s.toFixed(0)} s)\n\n${candidateTable(r)}\n\n${r.sentence}\n`);
      const o = r.candidates[0], k = r.candidates[r.chosen];
      const best = r.candidates.slice(1).filter((c) => c.kind === 'distilled').reduce<typeof k | undefined>((b, c) => (!b || c.lossPoints < b.lossPoints ? c : b), undefined);
      summary.push([
        d.name, mode === 'split' ? 'half of test' : 'training rows', r.metric,
        `${size(o.bytes)}, ${o.latencyUs.toFixed(0)} µs, ${o.score.toFixed(4)}`,
        `${k.kind}${k.kind === 'distilled' ? ` (${k.label.replace(/^a model of /, '')})` : ''}`,
        `${size(k.bytes)}, ${k.latencyUs.toFixed(0)} µs, ${k.score.toFixed(4)}`,
        ratio(o.bytes, k.bytes), ratio(o.latencyUs, k.latencyUs), pointsWords(r.metric, k.lossPoints),
        best ? `${best.label.replace(/^a model of /, '')}: ${pointsWords(r.metric, best.lossPoints)}, ${size(best.bytes)}` : '',
      ]);
      r.dispose();
    }
    bundle.fitted.dispose?.();
  }
  const header = ['dataset', 'students learn from', 'metric', 'original (package, latency, score)', 'kept', 'kept (package, latency, score)', 'smaller', 'faster', 'cost', 'closest student'];
  process.stdout.write(`\n## Summary (bound ${maxLoss})\n\n${[header, header.map(() => '---'), ...summary].map((x) => `| ${x.join(' | ')} |`).join('\n')}\n`);
  process.stdout.write(`\nTrained packages: ${modelsDir}\n`);
}
