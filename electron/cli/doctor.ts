import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';
import { loadTf } from '../engine/tf/backend.ts';
import { electronBinaryStatus, machineFacts } from '../engine/util/environment.ts';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Show what this computer offers Augur: neural-network backend, Node, cores, memory, Electron.',
  usage: 'doctor [--json]',
  async run(args) {
    const { flags } = parseArgs(args, ['json']);
    const facts = machineFacts();
    const tf = await loadTf();
    const electron = electronBinaryStatus();
    const report = {
      tfBackend: tf.backend,
      tfBackendNote: tf.note ?? null,
      node: facts.node,
      cores: facts.cores,
      memoryGb: facts.memoryGb,
      platform: facts.platform,
      electron: electron.installed ? { installed: true, path: electron.path } : { installed: false, reason: electron.reason },
    };
    if (flags.json) {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    const lines = [
      `Neural-network backend: ${tf.backend}${tf.note ? ` (${tf.note})` : ''}`,
      `Node.js:                ${facts.node} on ${facts.platform}`,
      `CPU cores:              ${facts.cores}`,
      `Memory:                 ${facts.memoryGb} GB`,
      `Electron program:       ${electron.installed ? `present (${electron.path})` : `not available: ${electron.reason}. Use "npm run web" to open Augur in your browser.`}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
