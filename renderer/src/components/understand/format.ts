// Numbers on the Results screen, in words people read.
import { formatNumber, formatScore, metricPlain, metricSpec, isMetricName } from '../../../../shared/metrics.ts';

export { formatNumber, formatScore, metricPlain };

/** 0.8123 → "81%"; shares shown with one decimal when small. */
export function pct(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}

/** A metric's value on a 0–100 scale for charts (percent metrics), or as is. */
export function chartValue(metric: string, v: number): number {
  return isMetricName(metric) && metricSpec(metric).percent ? v * 100 : v;
}

export function isPercent(metric: string): boolean {
  return isMetricName(metric) && metricSpec(metric).percent;
}

export function lowerIsBetter(metric: string): boolean {
  return isMetricName(metric) && metricSpec(metric).lowerIsBetter;
}

/** The interval in words: "between 78% and 83%". */
export function intervalWords(metric: string, ci: [number, number] | null | undefined): string {
  if (!ci) return '';
  return `between ${formatScore(metric, ci[0])} and ${formatScore(metric, ci[1])}`;
}
