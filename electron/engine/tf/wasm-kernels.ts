import type { TfModule } from './backend.ts';

// Kernels that tfjs-backend-wasm 4.22 lacks but training needs.
// UnsortedSegmentSum is the gradient of tf.gather, i.e. of every embedding lookup; without it
// training an embedding on wasm fails with "Kernel 'UnsortedSegmentSum' not registered".

interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): { dataId: object };
  typedArrayFromHeap(t: { dataId: object }): Float32Array | Int32Array;
}

export function registerWasmExtraKernels(tf: TfModule): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: import('@tensorflow/tfjs').Tensor; segmentIds: import('@tensorflow/tfjs').Tensor };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const be = backend as unknown as WasmBackendLike;
      const xv = be.readSync(x.dataId);
      const ids = be.readSync(segmentIds.dataId);
      const innerShape = x.shape.slice(segmentIds.shape.length);
      const inner = innerShape.reduce((a, b) => a * b, 1);
      const out = be.makeOutput([numSegments, ...innerShape], x.dtype);
      const ov = be.typedArrayFromHeap(out);
      ov.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const s = ids[i];
        if (s < 0 || s >= numSegments) continue; // tf semantics: out-of-range ids are dropped
        const so = s * inner;
        const xo = i * inner;
        for (let j = 0; j < inner; j++) ov[so + j] += xv[xo + j];
      }
      return out as unknown as import('@tensorflow/tfjs').TensorInfo;
    },
  });
}
