// `npm run bench -- gbdt --csv <file> --target <col> --rounds 100 --depth 6 --bins 255 --threads 1 [--json] [--peer]`
// GBDT training / prediction speed. train_s includes binning, not CSV import. With --peer, XGBoost hist
// (Debian python3-xgboost) trains on the same CSV rows with the same settings and the ratios are printed.
// Wall times on a shared machine are noisy, so CPU seconds are printed too.
// The 100k x 30 CSV: /usr/bin/python3 /work/shared/bench-peers/gen_data.py, then
//   /usr/bin/python3 -c "import numpy as np, pandas as pd; d=np.load('/tmp/perf/data/gbdt_100000.npz');
//   df=pd.DataFrame(d['X'], columns=[f'f{i}' for i in range(30)]); df['target']=d['y'].astype(int);
//   df.to_csv('/tmp/perf/data/gbdt_100000.csv', index=False, float_format='%.7g')"
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeMetric } from '../electron/engine/evaluate/metrics.ts';
import { gbdtFamily } from '../electron/engine/models/gbdt/index.ts';
import type { Dataset } from '../electron/engine/models/types.ts';
import { loadCsvDataset, subsetDataset } from './tree-data.ts';

interface GbdtBenchResult {
  train_s: number;
  predict_rows_per_s: number;
  predict_1row_us: number;
  train_auc: number;
  /** CPU seconds of training (less disturbed than wall time when the machine is shared). */
  train_cpu_s?: number;
  /** Rows per CPU second of prediction (same reason). */
  predict_rows_per_cpu_s?: number;
}

function arg(args: string[], name: string, dflt?: string): string {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  if (dflt === undefined) throw new Error(`missing --${name}`);
  return dflt;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

export async function benchGbdt(args: string[]): Promise<void> {
  const csv = arg(args, 'csv');
  const target = arg(args, 'target');
  const rounds = Number(arg(args, 'rounds', '100'));
  const depth = Number(arg(args, 'depth', '6'));
  const bins = Number(arg(args, 'bins', '255'));
  const threads = Number(arg(args, 'threads', '1'));
  const json = args.includes('--json');
  const peer = args.includes('--peer');

  const { dataset, task } = await loadCsvDataset(csv, { target, task: 'binary' });
  const params = {
    ...gbdtFamily.defaults(task, { nRows: dataset.nRows, nFeatures: dataset.columns.length }),
    // XGBoost's settings: depth-wise, eta 0.1, lambda 1, min_child_weight 1, no row-count floor
    growPolicy: 'depthwise' as const, maxDepth: depth, nRounds: rounds, earlyStoppingRounds: 0, maxBins: bins,
    learningRate: 0.1, lambda: 1, minChildWeight: 1, minDataInLeaf: 0, threads,
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = await gbdtFamily.fit(dataset, task, params, { seed: 0 });
  const trainS = (performance.now() - t0) / 1000;
  const trainCpuS = process.cpuUsage(c0).user / 1e6;
  const features: Dataset = { features: dataset.features, nRows: dataset.nRows, columns: dataset.columns };
  const pred = model.predict(features);
  const auc = computeMetric('roc_auc', task, dataset.y!, pred);

  const reps = Math.max(1, Math.floor(300_000 / dataset.nRows));
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const c = process.cpuUsage();
    for (let r = 0; r < reps; r++) model.predict(features);
    times.push((performance.now() - t) / reps / 1000);
    cpuTimes.push(process.cpuUsage(c).user / 1e6 / reps);
  }
  const one = subsetDataset(features, [0]);
  for (let k = 0; k < 200; k++) model.predict(one);
  const lat: number[] = [];
  for (let k = 0; k < 500; k++) {
    const t = performance.now();
    model.predict(one);
    lat.push((performance.now() - t) * 1000);
  }
  const ours: GbdtBenchResult = {
    train_s: trainS,
    predict_rows_per_s: dataset.nRows / median(times),
    predict_1row_us: median(lat),
    train_auc: auc,
    train_cpu_s: trainCpuS,
    predict_rows_per_cpu_s: dataset.nRows / median(cpuTimes),
  };

  let peerResult: GbdtBenchResult | undefined;
  if (peer) {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peers', 'gbdt_peer.py');
    const r = spawnSync('/usr/bin/python3', [script, '--csv', csv, '--target', target, '--rounds', String(rounds),
      '--depth', String(depth), '--bins', String(bins), '--threads', String(threads)],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    if (r.status !== 0) throw new Error(`XGBoost peer failed: ${r.stderr.trim().split('\n').pop()}`);
    peerResult = JSON.parse(r.stdout.trim().split('\n').pop()!) as GbdtBenchResult;
  }
  const ratios = peerResult && {
    train_s_ratio: ours.train_s / peerResult.train_s,
    train_cpu_s_ratio: ours.train_cpu_s! / peerResult.train_cpu_s!,
    predict_rows_per_s_ratio: ours.predict_rows_per_s / peerResult.predict_rows_per_s,
    predict_rows_per_cpu_s_ratio: ours.predict_rows_per_cpu_s! / peerResult.predict_rows_per_cpu_s!,
    predict_1row_us_ratio: ours.predict_1row_us / peerResult.predict_1row_us,
  };
  if (json) {
    process.stdout.write(JSON.stringify(peerResult ? { ...ours, peer: peerResult, ratios } : ours) + '\n');
    return;
  }
  const f = (v: number, d = 3): string => v.toFixed(d);
  const lines = [
    `GBDT ${dataset.nRows} x ${dataset.columns.length}, ${rounds} rounds, depth ${depth}, ${bins} bins, ${threads} thread(s)`,
    `  ours:    train ${f(trainS)} s (cpu ${f(trainCpuS)} s), predict ${Math.round(ours.predict_rows_per_s)} rows/s (${Math.round(ours.predict_rows_per_cpu_s!)} per cpu s), 1 row ${f(ours.predict_1row_us, 1)} us, train AUC ${f(auc, 4)}`,
  ];
  if (peerResult && ratios) {
    lines.push(`  xgboost: train ${f(peerResult.train_s)} s (cpu ${f(peerResult.train_cpu_s!)} s), predict ${Math.round(peerResult.predict_rows_per_s)} rows/s (${Math.round(peerResult.predict_rows_per_cpu_s!)} per cpu s), 1 row ${f(peerResult.predict_1row_us, 1)} us, train AUC ${f(peerResult.train_auc, 4)}`);
    lines.push(`  ratio ours/xgboost: train ${f(ratios.train_s_ratio, 2)}x (cpu ${f(ratios.train_cpu_s_ratio, 2)}x), predict rows/s ${f(ratios.predict_rows_per_s_ratio, 2)}x (cpu ${f(ratios.predict_rows_per_cpu_s_ratio, 2)}x), 1-row latency ${f(ratios.predict_1row_us_ratio, 2)}x`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

// direct run: node --import tsx bench/gbdt.ts --csv ... (bench/index.ts registers it as `gbdt`)
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  benchGbdt(process.argv.slice(2)).catch((e) => { process.stderr.write(`${(e as Error).message}\n`); process.exitCode = 1; });
}
