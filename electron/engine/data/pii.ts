// Columns that identify people: e-mail addresses, phone numbers, names, street addresses, card or
// account numbers. Decided from the column name and a sample of its values.
import { isCoded, type Column } from './table.ts';

export type PiiKind = 'email' | 'phone' | 'person_name' | 'address' | 'card_or_account';

export const PII_WORDS: Record<PiiKind, string> = {
  email: 'e-mail addresses',
  phone: 'phone numbers',
  person_name: "people's names",
  address: 'street addresses',
  card_or_account: 'card, bank account or ID numbers',
};

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[a-z]{2,}$/i;
const PHONE = /^(\+|00)?[\d\s().\-/]{7,22}$/;
const STREET = /\d+[a-z]?\s+.*\b(st|street|ave|avenue|rd|road|lane|ln|blvd|boulevard|drive|dr|way|court|ct|place|pl|square|sq|terrace|hwy|highway|straße|strasse|str|weg|gasse|rue|via|calle|laan|vej)\b\.?|^(rue|via|calle|avenida)\s/i;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9 ]{10,32}$/;
const PERSON = /^\p{Lu}[\p{L}'’.-]+(\s+\p{Lu}[\p{L}'’.-]*){1,3}$|^\p{Lu}[\p{L}'’-]+,\s*(\p{Lu}[\p{L}'’.-]*\s*){1,4}/u;

const NAME_HINT: [PiiKind, RegExp][] = [
  ['email', /e-?mail/i],
  ['phone', /phone|mobile|(^|[^a-z])(tel|cell|fax)([^a-z]|$)|telefon/i],
  ['card_or_account', /card.?(number|no|nr)|credit.?card|iban|account.?(number|no|nr)|acct|ssn|social.?security|passport|tax.?id|national.?id/i],
  ['address', /address|street|(^|[^a-z])addr([^a-z]|$)|strasse|straße/i],
  ['person_name', /^(full|first|last|sur|given|family|middle|customer|client|contact|person|user|owner|patient|employee|passenger)?[\s_-]?name$|^name$|^(first|last|sur)name$|vorname|nachname/i],
];
const NOT_PERSON = /product|company|item|file|host|street|city|country|region|plan|brand|store|shop|category|business|domain|org|team|group|project|campaign|model|device|app|service/i;

function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

function share(values: string[], test: (v: string) => boolean): number {
  if (values.length === 0) return 0;
  let k = 0;
  for (const v of values) if (test(v)) k++;
  return k / values.length;
}

/** Distinct non-missing values of a column, at most `max`, as text. */
function sampleValues(col: Column, max: number): string[] {
  if (isCoded(col)) return col.dictionary.slice(0, max);
  const out = new Set<string>();
  for (let i = 0; i < col.values.length && out.size < max; i++) if (col.values[i] === col.values[i]) out.add(String(col.values[i]));
  return [...out];
}

/** What kind of personal data the column holds, or null. */
export function detectPii(col: Column): PiiKind | null {
  const values = sampleValues(col, 300).map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) return null;
  const byName = NAME_HINT.find(([, re]) => re.test(col.name.trim()))?.[0] ?? null;
  if (share(values, (v) => EMAIL.test(v)) >= 0.5) return 'email';
  const digitsOf = (v: string) => v.replace(/\D/g, '');
  const cardLike = (v: string) => {
    if (!/^[\d\s-]+$/.test(v)) return IBAN.test(v);
    const d = digitsOf(v);
    return d.length >= 13 && d.length <= 19 && luhn(d);
  };
  if (share(values, cardLike) >= 0.8) return 'card_or_account';
  if (isCoded(col)) {
    const phoneLike = (v: string) => {
      const d = digitsOf(v).length;
      return PHONE.test(v) && d >= 7 && d <= 15 && /[\s().\-/+]/.test(v);
    };
    if (share(values, phoneLike) >= 0.6) return 'phone';
    if (share(values, (v) => STREET.test(v)) >= 0.5) return 'address';
  }
  if (byName === 'person_name') {
    if (NOT_PERSON.test(col.name)) return null;
    return isCoded(col) && share(values, (v) => PERSON.test(v)) >= 0.5 ? 'person_name' : null;
  }
  if (byName && (byName !== 'phone' || values.some((v) => digitsOf(v).length >= 7))) return byName;
  return null;
}
