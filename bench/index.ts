// `npm run bench -- <name> [options]`: speed, memory and model quality, measured side by side with peers.
// These are benchmarks, not tests: they print numbers (and ratios to the peer run in the same process tree).
type Bench = { summary: string; run: (args: string[]) => Promise<void> };

const BENCHES: Record<string, Bench> = {
  csv: { summary: 'CSV import rows/s and peak memory vs pandas.read_csv (1M x 20 mixed file)', run: lazy(() => import('./csv.ts'), 'benchCsv') },
  gbdt: { summary: 'gradient-boosted trees train/predict speed vs XGBoost hist (--peer)', run: lazy(() => import('./gbdt.ts'), 'benchGbdt') },
  linear: { summary: 'logistic regression speed vs scikit-learn lbfgs; linear quality on the datasets', run: lazy(() => import('./linear.ts'), 'benchLinear') },
  mlp: { summary: 'neural-network training rows/s and predict latency vs PyTorch (1 thread)', run: lazy(() => import('./mlp.ts'), 'benchMlp') },
  quality: { summary: 'train --time-budget 60 on every shared dataset vs the library baselines', run: lazy(() => import('./quality.ts'), 'benchQuality') },
  conformal: { summary: 'conformal coverage on every dataset\'s test rows; time to evaluate adult_income', run: lazy(() => import('./conformal.ts'), 'benchConformal') },
  explain: { summary: 'explanations on adult_income: one row, permutation importance, TreeSHAP additivity, sampling error', run: lazy(() => import('./explain.ts'), 'benchExplain') },
  evaluation: { summary: 'time to understand a real run\'s model on adult_income: the part shown at the run\'s end, the whole, one row', run: lazy(() => import('./evaluation.ts'), 'benchEvaluation') },
  parallel: { summary: 'AutoML trial throughput with 2 worker threads vs 1', run: lazy(() => import('./quality.ts'), 'benchParallel') },
  shrink: { summary: 'the small version (quantised, distilled): size, one-row latency and accuracy cost on three datasets\' test rows', run: lazy(() => import('./shrink.ts'), 'benchShrink') },
  drift: { summary: 'monitoring: alarm rate on unchanged files, shifted samples, CBPE/DLE interval coverage, sizes, speed', run: lazy(() => import('./drift.ts'), 'benchDrift') },
};

/** Load a bench module only when it is asked for (some pull in tfjs or spawn peers). */
function lazy<K extends string>(load: () => Promise<Record<K, (args: string[]) => Promise<void>>>, name: K) {
  return async (args: string[]) => (await load())[name](args);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    const list = Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(8)} ${b.summary}`);
    process.stdout.write(['Usage: npm run bench -- <name> [options]', '', 'Benchmarks:', ...list, ''].join('\n'));
    process.exitCode = name ? 2 : 0;
    return;
  }
  await bench.run(rest);
}

main().catch((err) => {
  process.stderr.write(`Benchmark failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
