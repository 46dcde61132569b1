/** Bin of a categorical code: 0 for NaN / negative / beyond the known categories. Shared by training and prediction. */
export function categoricalBin(nBins: number, v: number): number {
  if (!(v >= 0 && v < 1e9)) return 0;
  const c = Math.floor(v);
  const valueBins = nBins - 1;
  return c < valueBins ? c + 1 : valueBins;
}
