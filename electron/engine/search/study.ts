// Ask/tell study in the style of Optuna: a sampler proposes parameter values as a trial asks for
// them (define-by-run, so conditional parameters are just code branches), the trial reports
// intermediate scores, a pruner may stop it, and `tell` records the outcome.

export type Distribution =
  | { kind: 'float'; low: number; high: number; log: boolean }
  | { kind: 'int'; low: number; high: number; log: boolean }
  | { kind: 'categorical'; choices: readonly ParamValue[] };

export type ParamValue = number | string | boolean;
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';
export type Direction = 'minimize' | 'maximize';

export interface FrozenTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Final objective (in the study's direction); undefined unless complete. */
  readonly value?: number;
  /** step -> reported value. */
  readonly intermediate: ReadonlyMap<number, number>;
  /** Free-form tag the pruner uses to compare like with like (e.g. the model family). */
  readonly group?: string;
}

export interface Sampler {
  /** Value for one parameter of `trial`, given the study's finished trials. */
  sample(study: Study, trial: Trial, name: string, dist: Distribution): ParamValue;
}

export interface Pruner {
  /** Should `trial` stop after its latest report at `step`? */
  shouldPrune(study: Study, trial: Trial, step: number): boolean;
}

/** Never prunes. */
export const noPruner: Pruner = { shouldPrune: () => false };

export class Trial implements FrozenTrial {
  state: TrialState = 'running';
  value?: number;
  readonly params: Record<string, ParamValue> = {};
  readonly distributions: Record<string, Distribution> = {};
  readonly intermediate = new Map<number, number>();
  group?: string;
  private lastStep = -Infinity;

  constructor(
    readonly number: number,
    private readonly study: Study,
    /** Values fixed in advance (portfolio configurations, enqueued trials). */
    private readonly fixed: Record<string, ParamValue> = {},
  ) {}

  suggestFloat(name: string, low: number, high: number, opts: { log?: boolean } = {}): number {
    return this.suggest(name, { kind: 'float', low, high, log: !!opts.log }) as number;
  }
  suggestInt(name: string, low: number, high: number, opts: { log?: boolean } = {}): number {
    return this.suggest(name, { kind: 'int', low, high, log: !!opts.log }) as number;
  }
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.suggest(name, { kind: 'categorical', choices }) as T;
  }

  /** Record an intermediate value (in the study's direction) at a step; steps only increase. */
  report(value: number, step: number): void {
    if (this.state !== 'running') return;
    if (step <= this.lastStep || !Number.isFinite(value)) return;
    this.lastStep = step;
    this.intermediate.set(step, value);
  }

  /** Ask the pruner whether this trial should stop after its latest report. */
  shouldPrune(): boolean {
    if (this.intermediate.size === 0 || this.state !== 'running') return false;
    return this.study.pruner.shouldPrune(this.study, this, this.lastStep);
  }

  private suggest(name: string, dist: Distribution): ParamValue {
    if (name in this.params) return this.params[name];
    let v: ParamValue;
    if (name in this.fixed) v = this.fixed[name];
    else v = this.study.sampler.sample(this.study, this, name, dist);
    if (dist.kind === 'int') v = Math.round(v as number);
    this.params[name] = v;
    this.distributions[name] = dist;
    return v;
  }
}

export interface StudyOptions {
  direction: Direction;
  sampler: Sampler;
  pruner?: Pruner;
}

export class Study {
  readonly direction: Direction;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly trials: Trial[] = [];
  private readonly queue: Record<string, ParamValue>[] = [];

  constructor(opts: StudyOptions) {
    this.direction = opts.direction;
    this.sampler = opts.sampler;
    this.pruner = opts.pruner ?? noPruner;
  }

  /** Queue fixed parameter values for a future `ask` (Optuna's enqueue_trial); unset params are sampled. */
  enqueue(params: Record<string, ParamValue>): void {
    this.queue.push(params);
  }
  get queued(): number {
    return this.queue.length;
  }

  ask(fixed?: Record<string, ParamValue>): Trial {
    const t = new Trial(this.trials.length, this, fixed ?? this.queue.shift() ?? {});
    this.trials.push(t);
    return t;
  }

  tell(trial: Trial, outcome: number | { state: 'pruned' | 'failed' }): void {
    if (trial.state !== 'running') throw new Error(`Trial ${trial.number} was already told.`);
    if (typeof outcome === 'number') {
      if (Number.isFinite(outcome)) {
        trial.state = 'complete';
        trial.value = outcome;
      } else trial.state = 'failed';
    } else trial.state = outcome.state;
  }

  /** True when a is strictly better than b in this study's direction. */
  better(a: number, b: number): boolean {
    return this.direction === 'minimize' ? a < b : a > b;
  }

  /** Value as a loss (smaller is better), for samplers and pruners. */
  loss(v: number): number {
    return this.direction === 'minimize' ? v : -v;
  }

  get bestTrial(): Trial | undefined {
    let best: Trial | undefined;
    for (const t of this.trials) if (t.state === 'complete' && (!best || this.better(t.value!, best.value!))) best = t;
    return best;
  }

  finished(): Trial[] {
    return this.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
  }
}
