// Which finished trials keep their fitted models for the final ensemble (the others keep only their
// score and validation predictions, to bound memory on long runs of small data).
//
// The best KEEP_MODELS overall and the best KEEP_PER_FAMILY of each family: a search that favours one
// family (hundreds of similar boosted-tree trials) still leaves the ensemble a few models that err
// differently, such as a linear model, which is where ensembles gain most.
export const KEEP_MODELS = 10;
export const KEEP_PER_FAMILY = 2;

export interface Scored {
  family: string;
  score: number;
  /** Decides equal scores, lower first (log loss under ROC AUC; see ensemble.ts SelectionObjective). */
  tie?: number;
}

type Better = (a: number, b: number) => boolean;

/** Best first; equal scores by `tie`, then in their given order. */
export function bestFirst<T extends Scored>(items: T[], better: Better): T[] {
  const order = (a: T, b: T) => {
    if (better(a.score, b.score)) return -1;
    if (better(b.score, a.score)) return 1;
    return a.score === b.score ? Math.sign((a.tie ?? 0) - (b.tie ?? 0)) || 0 : 0; // NaN ties keep their order
  };
  return [...items].sort(order);
}

/** The members of `items` (trials that hold models) that should go on holding them. */
export function keepSet<T extends Scored>(items: T[], better: Better): Set<T> {
  const keep = new Set<T>();
  const perFamily = new Map<string, number>();
  bestFirst(items, better).forEach((x, i) => {
    const rank = perFamily.get(x.family) ?? 0;
    perFamily.set(x.family, rank + 1);
    if (i < KEEP_MODELS || rank < KEEP_PER_FAMILY) keep.add(x);
  });
  return keep;
}

/**
 * The score a new trial of `family` must reach for its models to be kept (so workers need not send the
 * others back), or undefined while any result would be kept. A trial that only ties it is sent back:
 * its tie-break decides on the main thread.
 */
export function keepBar(items: Scored[], family: string, better: Better): number | undefined {
  const sorted = bestFirst(items, better);
  const own = sorted.filter((x) => x.family === family);
  if (sorted.length < KEEP_MODELS || own.length < KEEP_PER_FAMILY) return undefined;
  const overall = sorted[KEEP_MODELS - 1].score;
  const ownBar = own[KEEP_PER_FAMILY - 1].score;
  return better(overall, ownBar) ? ownBar : overall;
}
