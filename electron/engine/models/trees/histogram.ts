// Histogram kernels: the hot loop of boosting (almost all of its time). Feature f's block starts at
// f * 256 cells (BIN_STRIDE), so a cell index is a shift and an add, not a table load.

export function histAll2(hist: Float64Array, bins: Uint8Array, F: number, gh: Float64Array,
  rows: Int32Array, begin: number, end: number): void {
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const h = gh[2 * r];
    const g = gh[2 * r + 1];
    const base = r * F;
    for (let f = 0; f < F; f++) {
      const k = (f << 9) + (bins[base + f] << 1);
      hist[k] += h;
      hist[k + 1] += g;
    }
  }
}

export function histList(hist: Float64Array, bins: Uint8Array, F: number, gh: Float64Array, S: number,
  rows: Int32Array, begin: number, end: number, feats: Int32Array, nf: number): void {
  if (S === 2) {
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const h = gh[2 * r];
      const g = gh[2 * r + 1];
      const base = r * F;
      for (let j = 0; j < nf; j++) {
        const f = feats[j];
        const k = (f << 9) + (bins[base + f] << 1);
        hist[k] += h;
        hist[k + 1] += g;
      }
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const src = r * S;
    const base = r * F;
    for (let j = 0; j < nf; j++) {
      const f = feats[j];
      const k = ((f << 8) + bins[base + f]) * S;
      for (let c = 0; c < S; c++) hist[k + c] += gh[src + c];
    }
  }
}

export function histPacked(hist: Float64Array, bins: Uint8Array, F: number, q: Float64Array,
  rows: Int32Array, begin: number, end: number, feats: Int32Array, nf: number): void {
  if (nf === F) {
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const v = q[r];
      const base = r * F;
      for (let f = 0; f < F; f++) hist[(f << 8) + bins[base + f]] += v;
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const v = q[r];
    const base = r * F;
    for (let j = 0; j < nf; j++) { const f = feats[j]; hist[(f << 8) + bins[base + f]] += v; }
  }
}

export function zeroFeatures(hist: Float64Array, off: Int32Array, S: number, feats: Int32Array, nf: number): void {
  for (let j = 0; j < nf; j++) hist.fill(0, off[feats[j]] * S, off[feats[j] + 1] * S);
}
