// Cell-level parsing shared by import, type overrides and the feature encoder at predict time:
// missing markers, numbers as people write them (currency, thousands separators, decimal comma, %),
// yes/no words and dates. All functions take one trimmed-or-not cell string and never throw.

/** Markers that mean "no value" in any column (compared case-insensitively after trimming). */
export const DEFAULT_NA_VALUES = ['', 'na', 'n/a', '#n/a', 'nan', 'null', 'none', 'nil', '?', '(blank)', 'missing'];
/** Extra markers that mean "no value" only in a column that is otherwise numeric. */
export const NUMERIC_ONLY_NA = ['-', '--', '.', '—', '–'];
/**
 * Words for "not known" that mean "no value" in a column that is otherwise numeric (compared
 * case-insensitively). In a category column they stay a value: "unknown" is a real answer there.
 */
const NOT_KNOWN_WORDS = new Set(['unknown', 'unk', 'not known', 'not available', 'n.a.', 'n.a', 'tbd', 'k.a.', 'k. a.', 'unbekannt', 'inconnu', 'desconocido', 'sconosciuto', 'onbekend']);
const INFINITY_WORDS = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity', '#div/0!', '∞']);

export function makeNaSet(naValues?: string[]): Set<string> {
  return new Set((naValues ?? DEFAULT_NA_VALUES).map((v) => v.trim().toLowerCase()));
}

/** True for empty, whitespace-only and marker cells. */
export function isMissing(s: string, na: Set<string>): boolean {
  const t = s.trim();
  return t === '' || na.has(t.toLowerCase());
}

export function isNumericOnlyMissing(s: string): boolean {
  const t = s.trim();
  return NUMERIC_ONLY_NA.includes(t) || isNotKnownWord(t);
}

/** "unknown", "n.a.", "unbekannt" …: see NOT_KNOWN_WORDS. */
export function isNotKnownWord(s: string): boolean {
  return NOT_KNOWN_WORDS.has(s.trim().toLowerCase());
}

export function isInfinityWord(s: string): boolean {
  return INFINITY_WORDS.has(s.trim().toLowerCase());
}

export type DecimalMark = '.' | ',';

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const CURRENCY = /^[$€£¥₹₩₽¢]|[$€£¥₹₩₽¢]$|^(usd|eur|gbp|chf|cad|aud|jpy|sek|nok|dkk)\s*|\s*(usd|eur|gbp|chf|cad|aud|jpy|sek|nok|dkk|kr)$/i;

/**
 * A number followed by a unit word, as people type amounts ("12 kg", "3 days", "450km", "2.5 hrs"):
 * the unit in its comparable form (lower case, no plural "s", no final dot) and the number's text; null
 * when the cell is not like that.
 */
export function splitUnit(raw: string): { number: string; unit: string } | null {
  const m = UNIT_SUFFIX.exec(raw);
  if (!m) return null;
  return { number: m[1], unit: m[2].toLowerCase().replace(/\.$/, '').replace(/(?<=..)s$/, '') };
}
const UNIT_SUFFIX = /^\s*([-+(]?\s*\d[\d.,\s\u00a0']*\)?)\s*([A-Za-zÀ-ÿµ°²³]{1,10}\.?)\s*$/;

/**
 * A number as a person or a spreadsheet wrote it, or NaN when the cell is not a number.
 * Accepts "1,234.50", "$1,234", "12 %", "(42)" (accounting negative), "-€3.50" and, with
 * decimal ',' , "1.234,50". Infinity words are not numbers here (callers report them).
 */
export function parseNumber(raw: string, decimal: DecimalMark = '.'): number {
  let s = raw.trim();
  if (s === '') return NaN;
  if (PLAIN_NUMBER.test(s) && decimal === '.') return Number(s);
  let neg = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    neg = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = neg !== s.startsWith('-');
    s = s.slice(1).trim();
  }
  // Currency can sit before or after the sign: "-$5", "$-5", "5 €".
  for (let k = 0; k < 2 && CURRENCY.test(s); k++) s = s.replace(CURRENCY, '').trim();
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = neg !== s.startsWith('-');
    s = s.slice(1).trim();
  }
  if (s.endsWith('%')) s = s.slice(0, -1).trim();
  // Accounting exports (SAP and friends) write negatives with a trailing minus: "12.50-".
  if (s.endsWith('-') && s.length > 1 && /\d$/.test(s.slice(0, -1).trim())) {
    neg = !neg;
    s = s.slice(0, -1).trim();
  }
  if (s === '') return NaN;
  // Thousands separators: spaces (incl. no-break), apostrophes, and the other mark.
  s = s.replace(/[\s\u00a0\u202f']/g, '');
  if (decimal === '.') {
    if (s.includes(',')) {
      if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) return NaN;
      s = s.replace(/,/g, '');
    }
  } else {
    if (s.includes('.')) {
      if (!/^\d{1,3}(\.\d{3})+(,\d*)?$/.test(s)) return NaN;
      s = s.replace(/\./g, '');
    }
    s = s.replace(',', '.');
  }
  if (!PLAIN_NUMBER.test(s)) return NaN;
  const v = Number(s);
  return neg ? -v : v;
}

/** Digit strings with a leading zero ("00123", "02134") are codes, not amounts. */
export function hasLeadingZeroCode(s: string): boolean {
  const t = s.trim();
  return t.length > 1 && t[0] === '0' && /^\d+$/.test(t);
}

const TRUE_WORDS = new Set(['yes', 'y', 'true', 't', '1', 'on', 'ja', 'oui', 'si', 'sí']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'f', '0', 'off', 'nein', 'non']);
const BOOL_PAIRS: [string, string][] = [
  ['yes', 'no'], ['y', 'n'], ['true', 'false'], ['t', 'f'], ['1', '0'], ['on', 'off'], ['ja', 'nein'], ['oui', 'non'],
];

/** 1 for a yes-word, 0 for a no-word, NaN otherwise. */
export function parseBoolean(s: string): number {
  const t = s.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return 1;
  if (FALSE_WORDS.has(t)) return 0;
  return NaN;
}

/** True when the distinct values (any case) are exactly one yes/no pair, e.g. {"Yes","No"} or {"Y","N"}. */
export function isBooleanVocabulary(values: string[]): boolean {
  const set = new Set(values.map((v) => v.trim().toLowerCase()));
  if (set.size !== 2) return false;
  return BOOL_PAIRS.some(([a, b]) => set.has(a) && set.has(b));
}

// ---------- dates ----------

export type DateOrder = 'ymd' | 'dmy' | 'mdy' | 'dMony' | 'Mondy';
export interface DateFormat {
  order: DateOrder;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(am|pm)?\s*(Z|[+-]\d{2}:?\d{2})?)?`;
const RE_YMD = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`, 'i');
const RE_XYZ = new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})${TIME}$`, 'i');
const RE_DMONY = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -,]+(\d{4})${TIME}$`, 'i');
const RE_MONDY = new RegExp(String.raw`^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})${TIME}$`, 'i');

function build(y: number, mo: number, d: number, m: RegExpMatchArray, t0: number): number {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  let hh = m[t0] ? Number(m[t0]) : 0;
  const mi = m[t0 + 1] ? Number(m[t0 + 1]) : 0;
  const ss = m[t0 + 2] ? Number(m[t0 + 2]) : 0;
  const ampm = m[t0 + 3]?.toLowerCase();
  if (ampm === 'pm' && hh < 12) hh += 12;
  if (ampm === 'am' && hh === 12) hh = 0;
  if (hh > 23 || mi > 59 || ss > 60) return NaN;
  let ms = Date.UTC(y, mo - 1, d, hh, mi, ss);
  // Reject 31 February and friends (Date.UTC rolls them over).
  if (new Date(ms).getUTCDate() !== d) return NaN;
  const tz = m[t0 + 4];
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return ms;
}

/** Epoch milliseconds (UTC) of a date cell in the given format, NaN when it does not fit. */
export function parseDate(raw: string, fmt: DateFormat): number {
  const s = raw.trim();
  let m: RegExpMatchArray | null;
  switch (fmt.order) {
    case 'ymd':
      m = s.match(RE_YMD);
      return m ? build(+m[1], +m[2], +m[3], m, 4) : NaN;
    case 'dmy':
      m = s.match(RE_XYZ);
      return m ? build(+m[3], +m[2], +m[1], m, 4) : NaN;
    case 'mdy':
      m = s.match(RE_XYZ);
      return m ? build(+m[3], +m[1], +m[2], m, 4) : NaN;
    case 'dMony': {
      m = s.match(RE_DMONY);
      const mo = m ? MONTHS[m[2].toLowerCase()] : undefined;
      return m && mo ? build(+m[3], mo, +m[1], m, 4) : NaN;
    }
    case 'Mondy': {
      m = s.match(RE_MONDY);
      const mo = m ? MONTHS[m[1].toLowerCase()] : undefined;
      return m && mo ? build(+m[3], mo, +m[2], m, 4) : NaN;
    }
  }
}

/**
 * The one date format all the given (non-missing) samples fit, or null. Day/month order is
 * decided by the values: a first part above 12 means day-first, a second part above 12 month-first;
 * when nothing decides, day-first for files with ';' delimiters (European exports), else month-first.
 */
export function detectDateFormat(samples: string[], europeanHint = false): DateFormat | null {
  if (samples.length === 0) return null;
  const candidates: DateOrder[] = ['ymd', 'dMony', 'Mondy'];
  for (const order of candidates) {
    if (samples.every((s) => !Number.isNaN(parseDate(s, { order })))) return { order };
  }
  const xyz = samples.map((s) => s.trim().match(RE_XYZ));
  if (xyz.every((m) => m !== null)) {
    let firstBig = false;
    let secondBig = false;
    for (const m of xyz) {
      if (+m![1] > 12) firstBig = true;
      if (+m![2] > 12) secondBig = true;
    }
    if (firstBig && secondBig) return null;
    const order: DateOrder = firstBig ? 'dmy' : secondBig ? 'mdy' : europeanHint ? 'dmy' : 'mdy';
    if (samples.every((s) => !Number.isNaN(parseDate(s, { order })))) return { order };
  }
  return null;
}

/** Any of the supported formats, for a single cell whose column format is unknown (predict time). */
export function parseDateAny(raw: string): number {
  for (const order of ['ymd', 'dmy', 'mdy', 'dMony', 'Mondy'] as DateOrder[]) {
    const v = parseDate(raw, { order });
    if (!Number.isNaN(v)) return v;
  }
  return NaN;
}
