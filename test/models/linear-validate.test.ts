// Input checks shared by all model families (electron/engine/models/validate.ts).
import { describe, expect, it } from 'vitest';
import { TASKS, toyData, withoutTarget } from '../../electron/engine/models/conformance.ts';
import { assertPredictable, assertTrainable } from '../../electron/engine/models/validate.ts';
import { UserError } from '../../electron/engine/util/errors.ts';

function userErrorOf(fn: () => void): UserError {
  try { fn(); } catch (e) { if (e instanceof UserError) return e; throw e; }
  throw new Error('expected a UserError');
}

describe('assertTrainable', () => {
  it('accepts ordinary data', () => {
    expect(() => assertTrainable(toyData(TASKS.binary), TASKS.binary)).not.toThrow();
  });
  it('refuses a regression target with an empty cell', () => {
    const data = toyData(TASKS.regression);
    data.y![3] = NaN;
    expect(userErrorOf(() => assertTrainable(data, TASKS.regression)).code).toBe('bad_target');
  });
  it('refuses a class index outside the task', () => {
    const data = toyData(TASKS.binary);
    data.y![0] = 2;
    expect(userErrorOf(() => assertTrainable(data, TASKS.binary)).code).toBe('bad_target');
  });
  it('refuses data without a target', () => {
    expect(userErrorOf(() => assertTrainable(withoutTarget(toyData(TASKS.binary)), TASKS.binary)).code).toBe('no_target');
  });
  it('refuses negative or missing row weights', () => {
    const data = toyData(TASKS.binary);
    data.weights = new Float64Array(data.nRows).fill(1);
    expect(() => assertTrainable(data, TASKS.binary)).not.toThrow();
    data.weights[4] = NaN;
    expect(userErrorOf(() => assertTrainable(data, TASKS.binary)).code).toBe('bad_weights');
    data.weights[4] = -1;
    expect(userErrorOf(() => assertTrainable(data, TASKS.binary)).code).toBe('bad_weights');
  });
  it('refuses columns of different lengths', () => {
    const data = toyData(TASKS.binary);
    data.columns[1] = data.columns[1].subarray(1);
    expect(userErrorOf(() => assertTrainable(data, TASKS.binary)).code).toBe('bad_data');
  });
});

describe('assertPredictable', () => {
  const train = toyData(TASKS.binary);
  it('accepts the training columns', () => {
    expect(() => assertPredictable(withoutTarget(train), train.features)).not.toThrow();
  });
  it('names the mismatching column when the order or names differ', () => {
    const swapped = { ...withoutTarget(train), features: [train.features[1], train.features[0], train.features[2]] };
    const err = userErrorOf(() => assertPredictable(swapped, train.features));
    expect(err.code).toBe('column_mismatch');
    expect(err.message).toContain('"x2"');
  });
  it('says how many columns the model needs', () => {
    const fewer = { features: train.features.slice(0, 1), nRows: train.nRows, columns: train.columns.slice(0, 1) };
    expect(userErrorOf(() => assertPredictable(fewer, train.features)).message).toBe('This model needs 3 input columns but the data has 1.');
  });
});
