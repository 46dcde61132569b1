// JSON from an untrusted package: size and nesting are checked on the text before JSON.parse (a 100k-deep
// array cannot reach a recursive validator), UTF-8 must be valid, and the parsed value may hold no key
// that could reach a prototype (__proto__, constructor, prototype) and no number JSON cannot write
// (1e999 parses to Infinity). Pure: no Node.
import { damaged } from './errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseJsonBytes(bytes: Uint8Array, what: string, maxBytes: number, maxDepth: number): unknown {
  if (bytes.byteLength > maxBytes) damaged(`${what} is larger than ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    damaged(`${what} is not UTF-8`);
  }
  return parseJsonText(text, what, maxDepth);
}

export function parseJsonText(text: string, what: string, maxDepth: number): unknown {
  checkDepth(text, what, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    damaged(`${what} is not JSON`);
  }
  checkValues(value, what);
  return value;
}

/** Bracket depth outside strings, in one pass over the text. */
function checkDepth(text: string, what: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) damaged(`${what} is nested deeper than ${maxDepth}`);
    } else if (c === 93 || c === 125) depth--;
  }
}

/** Iterative walk: forbidden keys and non-finite numbers anywhere. */
function checkValues(root: unknown, what: string): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) damaged(`${what} holds a number out of range`);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'number') {
          if (!Number.isFinite(x)) damaged(`${what} holds a number out of range`);
        } else if (x !== null && typeof x === 'object') stack.push(x);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(k)) damaged(`${what} holds the key "${k}"`);
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
}

/** JSON bytes of a value Augur wrote itself; throws RangeError when it is over the limit the reader enforces. */
export function toJsonBytes(value: unknown, what: string, maxBytes: number): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.byteLength > maxBytes) throw new RangeError(`${what} is ${bytes.byteLength} bytes`);
  return bytes;
}
