import { describe, expect, it } from 'vitest';
import { loadTf } from '../../electron/engine/tf/backend.ts';

describe('tfjs backend', () => {
  it('picks WebAssembly (or native) here and explains why native is not used', async () => {
    const { backend, note } = await loadTf();
    expect(['wasm', 'tensorflow']).toContain(backend);
    if (backend === 'wasm') expect(note).toMatch(/WebAssembly/);
  });

  it('has the embedding gradient on wasm (UnsortedSegmentSum), with the right values', async () => {
    const { tf } = await loadTf();
    const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const up = tf.tensor2d([[1, 1], [10, 10], [100, 100], [1000, 1000]]);
    // d/dtable sum(gather(table, ids) * up): row r gets the sum of the `up` rows whose id is r.
    const g = tf.grad((t: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(tf.gather(t, ids), up)))(table);
    expect(Array.from(g.dataSync())).toEqual([10, 10, 0, 0, 1101, 1101]);
    tf.dispose([table, ids, up, g]);
  });
});
