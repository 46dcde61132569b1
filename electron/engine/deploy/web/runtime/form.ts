// The page's form: one input per model input (its real range or categories, the typical value first),
// and the typed values read back as the row predict(rows) takes. DOM only; no data ever goes into HTML
// as markup (textContent and attributes only), because column names and categories come from a file.
import type { RowObject } from '../../../data/rows-table.ts';
import type { DateOrder } from '../../../data/values.ts';
import type { WebField, WebModelInfo } from './web-model.ts';

export interface FormInput {
  field: WebField;
  el: HTMLInputElement | HTMLSelectElement;
  note: HTMLElement | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}
export { h };

/** A number as typed in a form: up to 6 significant digits, no exponent for ordinary sizes. */
export function typedNumber(v: number, integer: boolean): string {
  if (!Number.isFinite(v)) return '';
  return integer ? String(Math.round(v)) : String(Number(v.toPrecision(6)));
}

/** A range's ends with 5 significant digits (a coarser rounding could put the real end outside the shown range). */
const rangeNumber = (v: number): string => v.toLocaleString('en-US', { maximumSignificantDigits: 5 });

const WHERE: Record<WebModelInfo['fieldsFrom'], string> = {
  training: 'in the training data',
  background: 'in the training rows kept with the model',
  model: 'in the training data',
};


/** Builds the inputs into `form`; returns them in the fields' order. */
export function buildForm(form: HTMLElement, fields: WebField[], from: WebModelInfo['fieldsFrom']): FormInput[] {
  const inputs: FormInput[] = [];
  const rangeText = (a: string, b: string): string => (a === b ? `Always ${a} ${WHERE[from]}` : `From ${a} to ${b} ${WHERE[from]}`);
  fields.forEach((field, i) => {
    const id = `in-${i}`;
    const row = h('div', { class: 'field' });
    row.append(h('label', { for: id }, field.column));
    let el: HTMLInputElement | HTMLSelectElement;
    let hint: string | null = null;
    if (field.kind === 'choice') {
      const sel = h('select', { id, name: field.column });
      sel.append(h('option', { value: '' }, '(not given)'));
      for (const o of field.options) sel.append(h('option', { value: o }, o));
      el = sel;
      hint = field.options.length > 8 ? `${field.options.length} choices ${WHERE[from]}` : null;
    } else if (field.kind === 'number') {
      el = h('input', { id, name: field.column, type: 'number', inputmode: field.integer ? 'numeric' : 'decimal', step: field.integer ? '1' : 'any' });
      if (field.min !== null && field.max !== null) hint = rangeText(rangeNumber(field.min), rangeNumber(field.max));
    } else if (field.kind === 'date') {
      el = h('input', { id, name: field.column, type: 'date' });
      if (field.min) el.setAttribute('min', field.min);
      if (field.max) el.setAttribute('max', field.max);
      if (field.min && field.max) hint = rangeText(field.min, field.max);
    } else {
      el = h('input', { id, name: field.column, type: 'text', autocomplete: 'off' });
      if (field.examples.length) {
        const list = h('datalist', { id: `${id}-list` });
        for (const x of field.examples) list.append(h('option', { value: x }));
        el.setAttribute('list', `${id}-list`);
        row.append(list);
        hint = `For example ${field.examples.map((x) => `“${x}”`).join(', ')}`;
      }
    }
    row.append(el);
    const note = hint === null ? null : h('div', { class: 'hint', id: `${id}-hint` }, hint);
    if (note) {
      el.setAttribute('aria-describedby', note.id);
      row.append(note);
    }
    form.append(row);
    inputs.push({ field, el, note });
  });
  resetForm(inputs);
  return inputs;
}

/** Every input back to its typical value (empty where the training data had none). */
export function resetForm(inputs: FormInput[]): void {
  for (const { field, el } of inputs) {
    if (field.kind === 'number') el.value = field.typical === null ? '' : typedNumber(field.typical, field.integer);
    else el.value = field.typical ?? '';
    markRange({ field, el, note: null });
  }
}

/** Flags a number outside the training range (the model has not seen such values; its answer is a guess). */
export function markRange(input: FormInput): void {
  const { field, el } = input;
  if (field.kind !== 'number' || field.min === null || field.max === null) return;
  const v = el.value === '' ? NaN : Number(el.value);
  el.classList.toggle('outside', Number.isFinite(v) && (v < field.min || v > field.max));
}

/** An ISO date (what <input type=date> gives) written the way the training file wrote dates. */
export function dateAsFileWrote(iso: string, order: DateOrder): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  switch (order) {
    case 'dmy': return `${d}/${mo}/${y}`;
    case 'mdy': return `${mo}/${d}/${y}`;
    case 'dMony': return `${Number(d)} ${MONTHS[Number(mo) - 1]} ${y}`;
    case 'Mondy': return `${MONTHS[Number(mo) - 1]} ${Number(d)}, ${y}`;
    default: return iso;
  }
}

/** The form's values as a row for predict(rows): numbers as numbers, empty as null. */
export function readForm(inputs: FormInput[], dateOrder: (column: string) => DateOrder): RowObject {
  const row: RowObject = {};
  for (const { field, el } of inputs) {
    const v = el.value.trim();
    let value: string | number | null = v === '' ? null : v;
    if (value !== null && field.kind === 'number') {
      const x = Number(value);
      value = Number.isFinite(x) ? x : null;
    } else if (value !== null && field.kind === 'date') value = dateAsFileWrote(value, dateOrder(field.column));
    // defineProperty: a column named "__proto__" is a column, not the object's prototype
    Object.defineProperty(row, field.column, { value, enumerable: true, writable: true, configurable: true });
  }
  return row;
}
