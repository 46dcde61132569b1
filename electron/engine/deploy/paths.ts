// File names inside a package: plain relative paths of ASCII letters, digits, '.', '-' and '_',
// at most four levels, never '..', never absolute, never a Windows device name. Every name a manifest,
// a recipe or a zip entry gives is checked here before it is used. Pure.

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
const MAX_DEPTH = 4;

export function isSafePackagePath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 200) return false;
  const parts = p.split('/');
  if (parts.length > MAX_DEPTH) return false;
  return parts.every((s) => SEGMENT.test(s) && !s.includes('..') && !DEVICE.test(s));
}

/** The folder of a package path ('' at the top). */
export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
