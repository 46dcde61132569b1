// The wizard's logic against a scripted bridge: each test decides what the engine answers and when.
import { describe, expect, it, vi } from 'vitest';
import type { ApiEvent, ApiMethod, AugurBridge, DataReport, ImportSummary, LeaderboardRow, RunSummary } from '../../shared/api.ts';
import { createAugurStore, reachable, sortLeaderboard, visibleStep } from '../../renderer/src/store.ts';

vi.setConfig({ testTimeout: 5000 }); // a hang here means a promise nobody resolves: fail fast

type Call = { method: ApiMethod; args: any; resolve: (v: unknown) => void; reject: (e: unknown) => void };

function scriptedBridge() {
  const calls: Call[] = [];
  const listeners = new Set<(e: ApiEvent) => void>();
  const bridge: AugurBridge = {
    invoke: ((method: ApiMethod, args: unknown) =>
      new Promise((resolve, reject) => calls.push({ method, args, resolve: resolve as (v: unknown) => void, reject }))) as AugurBridge['invoke'],
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    fileRef: async (file: File) => ({ kind: 'upload', uploadId: 'u1', name: file.name }),
  };
  const emit = (e: ApiEvent) => listeners.forEach((l) => l(e));
  const last = (method: ApiMethod) => [...calls].reverse().find((c) => c.method === method)!;
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { bridge, calls, emit, last, tick };
}

const summary = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  datasetId: 'd1',
  fileName: 'customers.csv',
  fileBytes: 1000,
  rows: 2000,
  delimiter: ',',
  encoding: 'utf-8',
  columns: [
    { name: 'age', type: 'numeric', missing: 0, unique: 50, examples: ['31'] },
    { name: 'plan', type: 'categorical', missing: 3, unique: 3, examples: ['A'] },
    { name: 'churn', type: 'boolean', missing: 0, unique: 2, examples: ['yes'] },
  ],
  preview: [['31', 'A', 'yes']],
  findings: [],
  elapsedS: 0.1,
  ...over,
});

const row = (id: string, score: number, lowerIsBetter = false, status: LeaderboardRow['status'] = 'done'): LeaderboardRow => ({
  id,
  model: `Model ${id}`,
  family: 'gbdt',
  score,
  metric: lowerIsBetter ? 'rmse' : 'roc_auc',
  lowerIsBetter,
  fitS: 0.5,
  status,
});

async function imported() {
  const b = scriptedBridge();
  const store = createAugurStore(() => b.bridge, { batchMs: 0 });
  const init = store.getState().init();
  b.last('status').resolve({ samples: [] });
  await init;
  const p = store.getState().importSample('customers.csv');
  await b.tick();
  b.last('importCsv').resolve(summary());
  await p;
  return { ...b, store };
}

describe('import', () => {
  it('imports a sample, shows progress for its own job only, then the dataset', async () => {
    const b = scriptedBridge();
    const store = createAugurStore(() => b.bridge, { batchMs: 0 });
    void store.getState().init();
    const p = store.getState().importSample('customers.csv');
    await b.tick();
    const call = b.last('importCsv');
    expect(call.args.file).toEqual({ kind: 'sample', name: 'customers.csv' });
    b.emit({ type: 'job.progress', jobId: 'someone-else', fraction: 0.9, message: 'x' });
    b.emit({ type: 'job.progress', jobId: call.args.jobId, fraction: 0.4, message: 'Reading rows…' });
    expect(store.getState().importJob).toMatchObject({ fraction: 0.4, message: 'Reading rows…' });
    call.resolve(summary());
    await p;
    expect(store.getState().importJob).toBeUndefined();
    expect(store.getState().dataset?.rows).toBe(2000);
    expect(reachable(store.getState()).check).toBe(true);
  });

  it('a refused file gives one sentence and the app keeps working', async () => {
    const b = scriptedBridge();
    const store = createAugurStore(() => b.bridge, { batchMs: 0 });
    const p = store.getState().importFile(new File(['PK\u0003\u0004'], 'sales.csv'));
    await b.tick();
    expect(b.last('importCsv').args.file).toEqual({ kind: 'upload', uploadId: 'u1', name: 'sales.csv' });
    b.last('importCsv').reject({ code: 'not_csv', message: 'This looks like an Excel file, not a CSV. Save it as CSV and try again.' });
    await p;
    expect(store.getState().error).toBe('This looks like an Excel file, not a CSV. Save it as CSV and try again.');
    expect(store.getState().importJob).toBeUndefined();
    // Next attempt clears the banner and succeeds.
    const p2 = store.getState().importSample('customers.csv');
    expect(store.getState().error).toBeUndefined();
    await b.tick();
    b.last('importCsv').resolve(summary());
    await p2;
    expect(store.getState().dataset?.fileName).toBe('customers.csv');
  });

  it('cancel asks the engine to stop that job and is not reported as an error', async () => {
    const b = scriptedBridge();
    const store = createAugurStore(() => b.bridge, { batchMs: 0 });
    const p = store.getState().importSample('customers.csv');
    await b.tick();
    const job = b.last('importCsv');
    const c = store.getState().cancelImport();
    expect(b.last('cancel').args).toEqual({ jobId: job.args.jobId });
    b.last('cancel').resolve({ cancelled: true });
    await c;
    job.reject({ code: 'cancelled', message: 'Stopped.' });
    await p;
    expect(store.getState().error).toBeUndefined();
    expect(store.getState().notice).toMatch(/stopped/i);
    expect(store.getState().dataset).toBeUndefined();
  });
});

describe('check', () => {
  const report = (over: Partial<DataReport> = {}): DataReport => ({ rows: 2000, findings: [], canTrain: true, ...over });

  it('a column that gives the outcome away is left out by default, and one click keeps it', async () => {
    const { store, last, tick } = await imported();
    store.getState().setTarget('churn');
    await tick();
    const copy = { code: 'target_copy', severity: 'warning' as const, column: 'plan', message: '"plan" gives away "churn" completely.' };
    last('checkData').resolve(report({ findings: [copy] }));
    await tick();
    // the store left it out and checks again
    expect(store.getState().settings.ignore).toEqual(['plan']);
    expect(last('checkData').args.ignore).toEqual(['plan']);
    last('checkData').resolve(report({ findings: [{ code: 'leak_left_out', severity: 'info', column: 'plan', message: '"plan" is left out.', actions: [{ kind: 'use_column', column: 'plan', label: 'Use "plan" anyway' }] }] }));
    await tick();
    store.getState().applyAction({ kind: 'use_column', column: 'plan', label: 'Use "plan" anyway' });
    await tick();
    expect(store.getState().settings.ignore).toEqual([]);
    // the next report names it again, and the user's choice stands
    last('checkData').resolve(report({ findings: [copy] }));
    await tick();
    expect(store.getState().settings.ignore).toEqual([]);
  });

  it('target, roles and finding actions update the settings and re-run the check', async () => {
    const { store, last, calls, tick } = await imported();
    store.getState().setTarget('churn');
    expect(last('checkData').args).toMatchObject({ datasetId: 'd1', target: 'churn' });
    store.getState().applyAction({ kind: 'ignore_column', column: 'plan', label: 'Ignore plan' });
    expect(last('checkData').args).toMatchObject({ target: 'churn', ignore: ['plan'] });
    store.getState().applyAction({ kind: 'set_type', column: 'age', type: 'categorical', label: 'Treat as category' });
    expect(last('checkData').args.typeOverrides).toEqual({ age: 'categorical' });
    store.getState().applyAction({ kind: 'set_task', task: 'regression', label: 'Predict an amount' });
    expect(last('checkData').args.task).toBe('regression');
    // Choosing the target as a role un-ignores nothing else, and a new target drops the task override.
    store.getState().setRole('age', 'target');
    expect(last('checkData').args).toMatchObject({ target: 'age', ignore: ['plan'] });
    expect(last('checkData').args.task).toBeUndefined();
    expect(calls.filter((c) => c.method === 'checkData')).toHaveLength(5);
    await tick();
  });

  it('an older, slower check answer never overwrites a newer one', async () => {
    const { store, calls, tick } = await imported();
    store.getState().setTarget('churn');
    store.getState().setTarget('age');
    const [first, second] = calls.filter((c) => c.method === 'checkData');
    second.resolve(report({ target: { name: 'age', task: 'regression' } }));
    await tick();
    first.resolve(report({ target: { name: 'churn', task: 'binary' }, canTrain: false, blockingReason: 'x' }));
    await tick();
    expect(store.getState().report?.target?.name).toBe('age');
    expect(store.getState().checking).toBe(false);
  });
});

describe('train', () => {
  it('streams trials of its own job, tracks the best score over time, and ends with the summary', async () => {
    let clock = 1000;
    const b = scriptedBridge();
    const store = createAugurStore(() => b.bridge, { now: () => clock, batchMs: 0 });
    void store.getState().init();
    const pi = store.getState().importSample('x.csv');
    await b.tick();
    b.last('importCsv').resolve(summary());
    await pi;
    store.getState().setTarget('age');
    b.last('checkData').resolve({ rows: 2000, findings: [], canTrain: true, target: { name: 'age', task: 'regression' } });
    await b.tick();
    expect(reachable(store.getState()).train).toBe(true);
    store.getState().setBudget('custom', 2);
    expect(store.getState().budgetSeconds()).toBe(5); // clamped to the minimum

    const p = store.getState().startTraining();
    const call = b.last('train');
    expect(call.args).toMatchObject({ datasetId: 'd1', target: 'age', budgetS: 5 });
    const jobId = call.args.jobId;
    b.emit({ type: 'run.trial', jobId: 'other', row: row('zz', 1) });
    clock += 1000;
    b.emit({ type: 'run.trial', jobId, row: row('a', 10, true) });
    clock += 1000;
    b.emit({ type: 'run.trial', jobId, row: row('b', 12, true) }); // worse: no new chart point
    b.emit({ type: 'run.trial', jobId, row: row('c', Number.NaN, true, 'failed') });
    clock += 1000;
    // The engine's clock starts later than ours (it excludes start-up): the line must not step back.
    b.emit({ type: 'run.progress', jobId, elapsedS: 0.5, budgetS: 5, trialsDone: 3 });
    b.emit({ type: 'run.trial', jobId, row: row('d', 7, true) });
    b.emit({ type: 'run.progress', jobId, elapsedS: 3.5, budgetS: 5, trialsDone: 4, bestScore: 7 });
    const s = store.getState();
    expect(s.trials.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.history.map((h) => h.score)).toEqual([10, 7]);
    expect(s.history.map((h) => h.t)).toEqual([1, 1]);
    expect(s.train?.elapsedS).toBe(3.5);
    expect(sortLeaderboard(s.trials).map((r) => r.id)).toEqual(['d', 'a', 'b', 'c']);

    // Settings are frozen while the search runs.
    store.getState().setRole('plan', 'ignore');
    expect(store.getState().settings.ignore ?? []).not.toContain('plan');
    // ...and a new file is not imported underneath the running search.
    const importsBefore = b.calls.filter((c) => c.method === 'importCsv').length;
    await store.getState().importSample('other.csv');
    expect(b.calls.filter((c) => c.method === 'importCsv')).toHaveLength(importsBefore);
    expect(store.getState().error).toMatch(/Training is still running/);

    const c = store.getState().cancelTraining();
    expect(store.getState().train?.cancelling).toBe(true);
    expect(b.last('cancel').args).toEqual({ jobId });
    b.last('cancel').resolve({ cancelled: true });
    await c;
    const run: RunSummary = {
      runId: 'r1',
      modelId: 'r1', task: 'regression', target: 'age', metric: 'rmse', lowerIsBetter: true,
      leaderboard: [row('a', 10, true), row('d', 7, true)], modelsTried: 2, best: row('d', 7, true), elapsedS: 4, budgetS: 5,
      sentence: 'Predictions are typically within 7 years.', quality: [], cancelled: true,
    };
    call.resolve(run);
    await p;
    expect(store.getState().train).toBeUndefined();
    expect(store.getState().run?.sentence).toBe('Predictions are typically within 7 years.');
    expect(store.getState().history.at(-1)).toEqual({ t: 4, score: 7 });
    expect(reachable(store.getState()).results).toBe(true);
    store.getState().goTo('results');
    expect(visibleStep(store.getState())).toBe('results');
    // Changing the settings afterwards makes the results stale: the wizard falls back to Train.
    store.getState().setRole('plan', 'ignore');
    expect(store.getState().run).toBeUndefined();
    expect(visibleStep(store.getState())).toBe('train');
  });
});

describe('what makes a model the best', () => {
  it('sends the chosen score to the engine, and the task\'s default when the choice does not fit the task', async () => {
    const { store, last, tick } = await imported();
    store.getState().setTarget('churn');
    last('checkData').resolve({ rows: 2000, findings: [], canTrain: true, target: { name: 'churn', task: 'binary' } });
    await tick();
    expect(store.getState().chosenMetric()).toBe('roc_auc');
    store.getState().setMetric('f1_macro');
    void store.getState().startTraining();
    expect(last('train').args.metric).toBe('f1_macro');
    last('train').reject({ code: 'cancelled', message: 'Stopped.' });
    await tick();
    // an amount to predict has no "balanced hit rate": its default is used
    store.getState().setTarget('age');
    last('checkData').resolve({ rows: 2000, findings: [], canTrain: true, target: { name: 'age', task: 'regression' } });
    await tick();
    expect(store.getState().chosenMetric()).toBe('rmse');
    void store.getState().startTraining();
    expect(last('train').args.metric).toBe('rmse');
  });
});

describe('a flood of live events', () => {
  it('is applied in a few batches, not one re-render per trial', async () => {
    vi.useFakeTimers();
    try {
      const b = scriptedBridge();
      const store = createAugurStore(() => b.bridge, { batchMs: 150 });
      void store.getState().init();
      const pi = store.getState().importSample('x.csv');
      await vi.advanceTimersByTimeAsync(0);
      b.last('importCsv').resolve(summary());
      await pi;
      store.getState().setTarget('churn');
      b.last('checkData').resolve({ rows: 2000, findings: [], canTrain: true });
      await vi.advanceTimersByTimeAsync(0);
      void store.getState().startTraining();
      const jobId = b.last('train').args.jobId;
      let renders = 0;
      const unsub = store.subscribe(() => renders++);
      for (let i = 0; i < 1000; i++) b.emit({ type: 'run.trial', jobId, row: row(`t${i}`, 0.5 + i / 4000) });
      b.emit({ type: 'run.progress', jobId, elapsedS: 2, budgetS: 60, trialsDone: 1000 });
      expect(store.getState().trials).toHaveLength(0); // not yet rendered
      await vi.advanceTimersByTimeAsync(200);
      unsub();
      expect(renders).toBe(1);
      expect(store.getState().trials).toHaveLength(1000);
      expect(store.getState().train?.trialsDone).toBe(1000);
      expect(store.getState().history.at(-1)?.score).toBeCloseTo(0.5 + 999 / 4000);
    } finally {
      vi.useRealTimers();
    }
  });
});
