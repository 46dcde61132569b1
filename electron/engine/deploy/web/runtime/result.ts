// The page's answer panel: the prediction in plain words, its range or answer set, the chances as a
// small bar chart (plain CSS) and the reasons. DOM only, text through textContent.
import { formatNumber, formatPercent } from '../../../../../shared/metrics.ts';
import { h } from './form.ts';
import type { WebDetail, WebReasons } from './scorer.ts';

export interface ResultContext {
  task: 'binary' | 'multiclass' | 'regression';
  target: string;
  classes: string[];
  /** Two outcomes: the chance of the second class from which it is the answer. */
  threshold: number;
}

const coverageText = (c: number): string => {
  const tenths = Math.round(c * 10);
  return Math.abs(c * 10 - tenths) < 1e-9 && tenths > 0 && tenths < 10 ? `${tenths} times in 10` : `${formatPercent(c)} of the time`;
};

/** The answer, its range or set, and the chances. */
export function renderAnswer(panel: HTMLElement, ctx: ResultContext, p: WebDetail): void {
  panel.replaceChildren();
  // the exact numbers, for tests and for pages that read the answer (the text below is rounded)
  panel.dataset.prediction = JSON.stringify(p);
  if (ctx.task === 'regression') {
    panel.append(h('div', { class: 'label' }, `Predicted ${ctx.target}`));
    panel.append(h('div', { class: 'answer', 'data-testid': 'prediction' }, formatNumber(p.prediction as number)));
    if (p.interval) {
      const [lo, hi] = p.interval;
      const r = h('p', { class: 'range', 'data-testid': 'range' });
      r.append('Likely between ', h('strong', {}, formatNumber(lo)), ' and ', h('strong', {}, formatNumber(hi)));
      if (p.coverage !== undefined) r.append(` (a range like this holds the real value ${coverageText(p.coverage)}).`);
      panel.append(r);
    }
    return;
  }
  const answer = String(p.prediction);
  const chance = p.probabilities?.[answer];
  panel.append(h('div', { class: 'label' }, `Predicted ${ctx.target}`));
  panel.append(h('div', { class: 'answer', 'data-testid': 'prediction' }, answer));
  if (chance !== undefined) {
    const line = h('p', { class: 'range' });
    line.append(h('strong', {}, formatPercent(chance)), ` chance${ctx.task === 'binary' && Math.abs(ctx.threshold - 0.5) > 1e-12 ? `; the model answers “${ctx.classes[1]}” from a ${formatPercent(ctx.threshold)} chance up` : ''}.`);
    panel.append(line);
  }
  if (p.set && p.set.length > 1) {
    const s = h('p', { class: 'range', 'data-testid': 'range' });
    s.append('Could also be: ', h('strong', {}, p.set.filter((c) => c !== answer).join(', ')));
    if (p.coverage !== undefined) s.append(` (this list holds the real answer ${coverageText(p.coverage)}).`);
    panel.append(s);
  }
  if (p.probabilities) panel.append(chanceChart(p.probabilities, answer));
}

/** Horizontal bars, one per class (CSS: a track and a bar whose width is the chance), the answer highlighted. */
function chanceChart(probs: Record<string, number>, answer: string): HTMLElement {
  const chart = h('div', { class: 'chart', role: 'list', 'aria-label': 'Chance of each answer', 'data-testid': 'chances' });
  for (const [c, v] of Object.entries(probs)) {
    const row = h('div', { class: c === answer ? 'chart-row best' : 'chart-row', role: 'listitem' });
    const track = h('div', { class: 'track' });
    const bar = h('div', { class: 'bar' });
    bar.style.width = `${(Math.max(0, Math.min(1, v)) * 100).toFixed(2)}%`; // CSSOM, allowed by a strict CSP
    track.append(bar);
    row.append(h('span', { class: 'chart-name', title: c }, c), track, h('span', { class: 'chart-value' }, formatPercent(v)));
    chart.append(row);
  }
  return chart;
}

/** The reasons in words, each with its effect in points of chance or in the amount. */
export function renderReasons(panel: HTMLElement, ctx: ResultContext, r: WebReasons | null): void {
  panel.replaceChildren();
  if (!r) {
    panel.append(h('p', { class: 'muted' }, 'This model cannot give reasons on a page: it was saved without the example rows its explanations compare with.'));
    return;
  }
  panel.append(h('h3', {}, ctx.task === 'regression' ? 'What moved the prediction most' : `What moved the chance of “${r.className ?? ''}” most`));
  if (!r.reasons.length) {
    panel.append(h('p', { class: 'muted' }, 'No single input moved this prediction much: it is close to the typical one.'));
    return;
  }
  const list = h('ul', { class: 'reasons', 'data-testid': 'reasons' });
  r.reasons.forEach((text, i) => {
    const c = r.contributions[i];
    const li = h('li');
    const shown = c?.shown;
    if (shown !== null && shown !== undefined && Number.isFinite(shown)) {
      const up = shown > 0;
      const size = ctx.task === 'regression' ? formatNumber(Math.abs(shown)) : `${(Math.abs(shown) * 100).toFixed(1)} pts`;
      li.append(h('span', { class: up ? 'pill up' : 'pill down' }, `${up ? '+' : '−'}${size}`));
    }
    li.append(h('span', {}, text));
    list.append(li);
  });
  panel.append(list);
}

/** Sampled explanations take seconds: a button asks for them. Returns the button. */
export function renderReasonsButton(panel: HTMLElement): HTMLButtonElement {
  panel.replaceChildren();
  const b = h('button', { type: 'button', class: 'secondary', 'data-testid': 'why' }, 'Why this answer?');
  panel.append(h('h3', {}, 'Reasons'), b, h('p', { class: 'muted small' }, 'For this kind of model the reasons take a few seconds to work out.'));
  return b;
}

export function renderWorking(panel: HTMLElement): void {
  panel.replaceChildren(h('h3', {}, 'Reasons'), h('p', { class: 'muted' }, 'Working out the reasons…'));
}
