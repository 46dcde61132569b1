// Taking a model out of Augur: the model package as one `.augur` file or a folder, made in the outbox
// for the bridge's saveArtifact to hand over.
import type { ApiState } from './context.ts';
import type { ApiImpl } from './handlers.ts';

const engine = {
  package: () => import('../engine/deploy/package.ts'),
};

/** "churned model" for a model that predicts "churned". */
export function modelFileName(target: string): string {
  return `${target} model`;
}

export function exportHandlers(state: ApiState): Pick<ApiImpl, 'exportModel'> {
  return {
    exportModel({ modelId, format, jobId }) {
      const { bundle } = state.model(modelId);
      return state.jobs.run(
        jobId,
        async () => {
          const { savePackage, writeAugurFile } = await engine.package();
          const say = state.progressEmitter(jobId);
          say(0, 'Saving the model…');
          const name = modelFileName(bundle.target.name);
          const artifact = format === 'augur'
            ? await state.outbox.put(`${name}.augur`, 'file', async (p) => void (await writeAugurFile(bundle, p)))
            : await state.outbox.put(name, 'folder', async (p) => void (await savePackage(p, bundle)));
          say(1, 'Saved');
          return artifact;
        },
        state.duplicateJob,
      );
    },
  };
}
