// page.js: the classic script index.html loads after model-data.js (pages opened from file:// cannot
// load ES modules or fetch). It builds the form from the model's fields and answers on every change,
// with the same scorer as scorer.js; everything stays on the page.
import type { RowObject } from '../../../data/rows-table.ts';
import { buildForm, h, markRange, readForm, resetForm, type FormInput } from './form.ts';
import { renderAnswer, renderReasons, renderReasonsButton, renderWorking, type ResultContext } from './result.ts';
import { createScorer, type WebScorer } from './scorer.ts';
import { WEB_MODEL_GLOBAL } from './web-model.ts';

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The page is missing its "${id}" part.`);
  return el;
}

function showError(message: string): void {
  const box = document.getElementById('error');
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
}

function start(scorer: WebScorer): void {
  const ctx: ResultContext = { task: scorer.task, target: scorer.target, classes: scorer.classes, threshold: scorer.threshold };
  const form = byId('inputs');
  const answer = byId('answer');
  const reasons = byId('reasons');
  const inputs: FormInput[] = buildForm(form, scorer.fields, scorer.info.fieldsFrom);
  let asked = 0;
  const explain = (row: RowObject): void => {
    const mine = ++asked;
    scorer.explain(row).then(
      (r) => { if (mine === asked) renderReasons(reasons, ctx, r); },
      (err: unknown) => { if (mine === asked) reasons.replaceChildren(h('p', { class: 'muted' }, err instanceof Error ? err.message : 'The reasons could not be worked out.')); },
    );
  };
  const update = (): void => {
    const row = readForm(inputs, (c) => scorer.dateOrder(c));
    try {
      renderAnswer(answer, ctx, scorer.detail([row])[0]);
      byId('error').hidden = true;
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
      return;
    }
    if (scorer.reasons === 'exact') explain(row);
    else if (scorer.reasons === 'sampled') {
      asked++; // an explanation still running is for an older row
      renderReasonsButton(reasons).addEventListener('click', () => {
        renderWorking(reasons);
        // after the next paint, so "Working out the reasons…" shows before the seconds of work
        requestAnimationFrame(() => requestAnimationFrame(() => explain(row)));
      });
    } else renderReasons(reasons, ctx, null);
  };
  form.addEventListener('input', (e) => {
    const hit = inputs.find((i) => i.el === e.target);
    if (hit) markRange(hit);
    update();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  byId('reset').addEventListener('click', () => { resetForm(inputs); update(); });
  document.body.classList.add('ready');
  update();
}

createScorer((globalThis as Record<string, unknown>)[WEB_MODEL_GLOBAL]).then(start, (err: unknown) => {
  showError(err instanceof Error ? err.message : 'This page could not load its model.');
});
