// More rows for the student to learn the original from: MUNGE (Bucilua, Caruana & Niculescu-Mizil,
// "Model compression", KDD 2006). Each synthetic row starts from a real row and, column by column with
// probability `p`, takes the value of that row's nearest neighbour (a category), or a value drawn around
// the neighbour's at a spread of their gap / `s` (a number). Rows stay close to the real ones, so the
// original model's answers on them are answers on data like the user's; no outcome is needed, the
// original gives it. Works on encoded rows (the Dataset the models see).
import type { Dataset } from '../../models/types.ts';
import { gaussian, mulberry32 } from '../../util/random.ts';

export interface MungeOptions {
  /** Chance that a column takes the neighbour's value. */
  p?: number;
  /** Spread of a number drawn around the neighbour's: gap / s. */
  s?: number;
  /** Neighbours are searched among this many random rows (all of them when there are fewer). */
  candidates?: number;
  seed?: number;
}

/** `count` synthetic rows made from the rows `from` of `data` (features only, no outcome). */
export function mungeRows(data: Dataset, from: ArrayLike<number>, count: number, opts: MungeOptions = {}): Dataset {
  const p = opts.p ?? 0.5;
  const s = opts.s ?? 1;
  const nCand = opts.candidates ?? 48;
  const rand = mulberry32((opts.seed ?? 0) ^ 0x4d554e47);
  const F = data.features.length;
  const n = from.length;
  const columns = data.features.map(() => new Float64Array(count));
  if (n === 0 || count === 0) return { features: data.features, nRows: count, columns };
  const kinds = data.features.map((f) => (f.kind === 'categorical' || f.indicator ? 'swap' : 'number'));
  // scale of each number (for the distance) and whether it only holds whole numbers (kept whole)
  const scale = new Float64Array(F).fill(1);
  const whole = new Uint8Array(F);
  for (let j = 0; j < F; j++) {
    if (kinds[j] !== 'number') continue;
    const col = data.columns[j];
    let m = 0, m2 = 0, k = 0, ints = 1;
    for (let r = 0; r < n; r++) {
      const v = col[from[r]];
      if (v !== v) continue;
      k++;
      const d = v - m;
      m += d / k;
      m2 += d * (v - m);
      if (ints && !Number.isInteger(v)) ints = 0;
    }
    const sd = k > 1 ? Math.sqrt(m2 / (k - 1)) : 0;
    scale[j] = sd > 0 ? sd : 1;
    whole[j] = ints;
  }
  const dist = (a: number, b: number): number => {
    let d = 0;
    for (let j = 0; j < F; j++) {
      const x = data.columns[j][a], y = data.columns[j][b];
      if (x !== x || y !== y) d += x !== x && y !== y ? 0 : 1;
      else if (kinds[j] === 'swap') d += x === y ? 0 : 1;
      else {
        const z = (x - y) / scale[j];
        d += z * z;
      }
    }
    return d;
  };
  const neighbour = (a: number): number => {
    let best = -1, bestD = Infinity;
    const all = n - 1 <= nCand;
    for (let t = 0; t < (all ? n : nCand); t++) {
      const b = from[all ? t : Math.floor(rand() * n)];
      if (b === a) continue;
      const d = dist(a, b);
      if (d < bestD) { bestD = d; best = b; }
    }
    return best < 0 ? a : best;
  };
  for (let i = 0; i < count; i++) {
    const a = from[Math.floor(rand() * n)];
    const b = neighbour(a);
    for (let j = 0; j < F; j++) {
      const x = data.columns[j][a];
      let v = x;
      if (rand() < p) {
        const y = data.columns[j][b];
        if (kinds[j] === 'swap' || x !== x || y !== y) v = y;
        else {
          v = y + (gaussian(rand) * Math.abs(x - y)) / s;
          if (whole[j]) v = Math.round(v);
        }
      }
      columns[j][i] = v;
    }
  }
  return { features: data.features, nRows: count, columns };
}

/** The rows of `a` then those of `b` (same features). */
export function concatRows(a: Dataset, b: Dataset): Dataset {
  const columns = a.columns.map((col, j) => {
    const out = new Float64Array(a.nRows + b.nRows);
    out.set(col);
    out.set(b.columns[j], a.nRows);
    return out;
  });
  return { features: a.features, nRows: a.nRows + b.nRows, columns };
}

/** Rows `rows` of `data` (features only). */
export function pickRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const columns = data.columns.map((col) => Float64Array.from({ length: rows.length }, (_, i) => col[rows[i]]));
  return { features: data.features, nRows: rows.length, columns };
}
