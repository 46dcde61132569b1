// The WebSocket and IPC are trust boundaries: every incoming args object is checked here and
// rebuilt from known fields only, before any handler sees it. Failures are BadRequestError.
import type { ApiMethod, ApiMethods, ColumnSettings, ColumnType, FileRef, Task } from '../../shared/api.ts';
import { API_METHODS } from '../../shared/api.ts';
import { SEARCH_METRICS } from '../../shared/metrics.ts';
import { BadRequestError } from './errors.ts';

const COLUMN_TYPES: Record<ColumnType, true> = { numeric: true, categorical: true, boolean: true, date: true, text: true, id: true };
const TASKS: Record<Task, true> = { binary: true, multiclass: true, regression: true };

export const LIMITS = {
  idChars: 100,
  pathChars: 4096,
  nameChars: 1000,
  maxColumns: 100_000,
  maxBudgetS: 7 * 24 * 3600,
  maxRows: 2 ** 31 - 1,
} as const;

const ID_RE = /^[A-Za-z0-9_.:-]+$/;

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequestError(`${where} must be an object`);
  return v as Obj;
}

function str(v: unknown, where: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new BadRequestError(`${where} must be a non-empty string of at most ${max} characters`);
  if (v.includes('\0')) throw new BadRequestError(`${where} contains a NUL character`);
  return v;
}

function id(v: unknown, where: string): string {
  const s = str(v, where, LIMITS.idChars);
  if (!ID_RE.test(s)) throw new BadRequestError(`${where} has characters outside [A-Za-z0-9_.:-]`);
  return s;
}

function oneOf<T extends string>(v: unknown, allowed: Record<T, true>, where: string): T {
  if (typeof v !== 'string' || !Object.hasOwn(allowed, v)) throw new BadRequestError(`${where} must be one of ${Object.keys(allowed).join(', ')}`);
  return v as T;
}

function fileRef(v: unknown): FileRef {
  const o = obj(v, 'file');
  switch (o.kind) {
    case 'path':
      return { kind: 'path', path: str(o.path, 'file.path', LIMITS.pathChars) };
    case 'upload':
      return { kind: 'upload', uploadId: id(o.uploadId, 'file.uploadId'), name: str(o.name, 'file.name', LIMITS.nameChars) };
    case 'sample':
      return { kind: 'sample', name: str(o.name, 'file.name', LIMITS.nameChars) };
    default:
      throw new BadRequestError('file.kind must be path, upload or sample');
  }
}

function columnSettings(o: Obj): ColumnSettings {
  const out: ColumnSettings = {};
  if (o.target !== undefined) out.target = str(o.target, 'target', LIMITS.nameChars);
  if (o.task !== undefined) out.task = oneOf(o.task, TASKS, 'task');
  if (o.ignore !== undefined) {
    if (!Array.isArray(o.ignore) || o.ignore.length > LIMITS.maxColumns) throw new BadRequestError('ignore must be an array of column names');
    out.ignore = o.ignore.map((c, i) => str(c, `ignore[${i}]`, LIMITS.nameChars));
  }
  if (o.typeOverrides !== undefined) {
    const t = obj(o.typeOverrides, 'typeOverrides');
    const keys = Object.keys(t);
    if (keys.length > LIMITS.maxColumns) throw new BadRequestError('typeOverrides has too many columns');
    // A null-prototype record: a column literally named "__proto__" must stay a plain key.
    const rec: Record<string, ColumnType> = Object.create(null);
    for (const k of keys) rec[str(k, 'typeOverrides key', LIMITS.nameChars)] = oneOf(t[k], COLUMN_TYPES, `typeOverrides[${k}]`);
    out.typeOverrides = rec;
  }
  return out;
}

type Validators = { [M in ApiMethod]: (args: Obj) => ApiMethods[M]['args'] };

const VALIDATORS: Validators = {
  status: () => ({}) as Record<string, never>,
  importCsv: (a) => ({ file: fileRef(a.file), jobId: id(a.jobId, 'jobId') }),
  checkData: (a) => ({ ...columnSettings(a), datasetId: id(a.datasetId, 'datasetId') }),
  train: (a) => {
    const budgetS = a.budgetS;
    if (typeof budgetS !== 'number' || !Number.isFinite(budgetS) || budgetS < 1 || budgetS > LIMITS.maxBudgetS)
      throw new BadRequestError(`budgetS must be a number of seconds between 1 and ${LIMITS.maxBudgetS}`);
    const out: ApiMethods['train']['args'] = {
      ...columnSettings(a),
      datasetId: id(a.datasetId, 'datasetId'),
      target: str(a.target, 'target', LIMITS.nameChars),
      budgetS,
      jobId: id(a.jobId, 'jobId'),
    };
    if (a.seed !== undefined) {
      if (!Number.isSafeInteger(a.seed) || (a.seed as number) < 0) throw new BadRequestError('seed must be a non-negative integer');
      out.seed = a.seed as number;
    }
    if (a.metric !== undefined) out.metric = oneOf(a.metric, SEARCH_METRICS, 'metric');
    return out;
  },
  cancel: (a) => ({ jobId: id(a.jobId, 'jobId') }),
  evaluation: (a) => ({ modelId: id(a.modelId, 'modelId') }),
  deepEvaluation: (a) => ({ modelId: id(a.modelId, 'modelId'), jobId: id(a.jobId, 'jobId') }),
  trainingRows: (a) => ({ modelId: id(a.modelId, 'modelId'), offset: count(a.offset, 'offset', LIMITS.maxRows), limit: count(a.limit, 'limit', 1000) }),
  explainRow: (a) => ({ modelId: id(a.modelId, 'modelId'), row: count(a.row, 'row', LIMITS.maxRows) }),
  whatIfFields: (a) => ({ modelId: id(a.modelId, 'modelId') }),
  whatIf: (a) => ({ modelId: id(a.modelId, 'modelId'), values: typedValues(a.values) }),
  setCosts: (a) => ({ modelId: id(a.modelId, 'modelId'), missed: cost(a.missed, 'missed'), falseAlarm: cost(a.falseAlarm, 'falseAlarm') }),
  exportModel: (a) => ({ modelId: id(a.modelId, 'modelId'), format: oneOf(a.format, { augur: true, folder: true }, 'format'), jobId: id(a.jobId, 'jobId') }),
};

/** A whole number in [0, max]. */
function count(v: unknown, where: string, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max) throw new BadRequestError(`${where} must be a whole number from 0 to ${max}`);
  return v as number;
}

/** A cost: a finite number >= 0 (money or a ratio). */
function cost(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e15) throw new BadRequestError(`${where} must be a number of at least 0`);
  return v;
}

/** The what-if form's values: column name -> text, a number or null; a null-prototype record. */
function typedValues(v: unknown): Record<string, string | number | null> {
  const o = obj(v, 'values');
  const keys = Object.keys(o);
  if (keys.length > LIMITS.maxColumns) throw new BadRequestError('values has too many columns');
  const out: Record<string, string | number | null> = Object.create(null);
  for (const k of keys) {
    const x = o[k];
    if (x === null) out[str(k, 'values key', LIMITS.nameChars)] = null;
    else if (typeof x === 'number' && Number.isFinite(x)) out[str(k, 'values key', LIMITS.nameChars)] = x;
    else if (typeof x === 'string' && x.length <= LIMITS.nameChars) out[str(k, 'values key', LIMITS.nameChars)] = x;
    else throw new BadRequestError(`values[${k}] must be text, a number or null`);
  }
  return out;
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
}

/** Checks `method` and `args` from an untrusted caller; returns a clean copy of the args. */
export function validateRequest<M extends ApiMethod>(method: M, args: unknown): ApiMethods[M]['args'];
export function validateRequest(method: unknown, args: unknown): unknown;
export function validateRequest(method: unknown, args: unknown): unknown {
  if (!isApiMethod(method)) throw new BadRequestError(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  // status takes no arguments; tolerate undefined there only.
  const a = args === undefined && method === 'status' ? {} : obj(args, 'args');
  return (VALIDATORS[method] as (a: Obj) => unknown)(a);
}
