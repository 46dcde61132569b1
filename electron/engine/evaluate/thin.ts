// Curves with one point per distinct score (thousands) thinned to what a chart can show, keeping
// their shape: Ramer–Douglas–Peucker, ranked so the most shape-bearing `max` points are kept in one pass.

/**
 * Indices (ascending) of at most `max` points of the polyline (x, y) that keep its shape: the ends,
 * then the points RDP would keep for the smallest tolerance that leaves no more than `max`.
 * Axes are scaled to their own range first so both count alike.
 */
export function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, max = 200): Int32Array {
  const n = x.length;
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const sx = span(x), sy = span(y);
  const X = (i: number) => (x[i] - sx.min) / sx.range;
  const Y = (i: number) => (y[i] - sy.min) / sy.range;
  // importance[p]: the RDP distance at which p is split off, capped by its parent segment's (so any
  // threshold keeps exactly the points RDP would keep for it).
  const importance = new Float64Array(n);
  importance[0] = importance[n - 1] = Infinity;
  const stack: [number, number, number][] = [[0, n - 1, Infinity]];
  while (stack.length) {
    const [a, b, cap] = stack.pop()!;
    if (b - a < 2) continue;
    const ax = X(a), ay = Y(a), dx = X(b) - ax, dy = Y(b) - ay;
    const len = Math.hypot(dx, dy);
    let best = -1, bestD = -1;
    for (let i = a + 1; i < b; i++) {
      const px = X(i) - ax, py = Y(i) - ay;
      const d = len > 0 ? Math.abs(px * dy - py * dx) / len : Math.hypot(px, py);
      if (d > bestD) { bestD = d; best = i; }
    }
    const imp = Math.min(bestD, cap);
    importance[best] = imp;
    stack.push([a, best, imp], [best, b, imp]);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => importance[j] - importance[i] || i - j);
  return order.slice(0, max).sort();
}

function span(v: ArrayLike<number>): { min: number; range: number } {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < v.length; i++) { if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i]; }
  return { min, range: max > min ? max - min : 1 };
}

/** Keep the rows of parallel arrays at `idx`. */
export function pick<T>(values: ArrayLike<T>, idx: Int32Array): T[] {
  return Array.from(idx, (i) => values[i]);
}
