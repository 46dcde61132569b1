import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmExtraKernels } from './wasm-kernels.ts';

// TensorFlow.js backend detection: native tfjs-node where it installed, else wasm, else cpu.
// tfjs-node is an optional dependency: its install downloads libtensorflow, which fails offline,
// and npm then silently drops it. So we detect at run time and say which backend we got.

const require = createRequire(import.meta.url);

export type TfModule = typeof import('@tensorflow/tfjs');
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfHandle {
  tf: TfModule;
  backend: BackendName;
  /** Why a faster backend was not used, in plain words (absent when native is in use). */
  note?: string;
}

let loading: Promise<TfHandle> | undefined;

export function loadTf(prefer: 'auto' | BackendName = 'auto'): Promise<TfHandle> {
  if (!loading) loading = doLoad(prefer);
  return loading;
}

async function doLoad(prefer: 'auto' | BackendName): Promise<TfHandle> {
  let note: string | undefined;
  if (prefer === 'auto' || prefer === 'tensorflow') {
    try {
      // Catch every error: a broken libtensorflow throws something other than MODULE_NOT_FOUND.
      const tf = require('@tensorflow/tfjs-node') as TfModule;
      await tf.ready();
      return { tf, backend: 'tensorflow' };
    } catch (err) {
      if (prefer === 'tensorflow') throw err;
      const code = (err as { code?: string }).code;
      note =
        code === 'MODULE_NOT_FOUND'
          ? 'The native TensorFlow library is not installed (it needs internet at install time), so neural networks use the WebAssembly backend.'
          : 'The native TensorFlow library failed to load, so neural networks use the WebAssembly backend.';
    }
  }
  const tf = require('@tensorflow/tfjs') as TfModule;
  tf.env().set('PROD', true); // silences the cpu-backend banner
  if (prefer !== 'cpu') {
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      const wasmDir = process.env.AUGUR_WASM_DIR ?? path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        registerWasmExtraKernels(tf);
        return { tf, backend: 'wasm', note };
      }
    } catch {
      /* fall through to cpu */
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu', note: 'Neither native TensorFlow nor WebAssembly could start, so neural networks use the slow pure-JavaScript backend.' };
}
