// `npm run automl -- inspect <file.csv> [--target <column>] [--task ...] [--json]`
// Reads a CSV file and reports its columns and every problem found, in plain words.
// Exit 0 when the file is usable (and, with --target, training can start); 2 when it is refused.
import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';
import type { Task } from '../../shared/api.ts';
import { importCsvFile } from '../engine/data/import.ts';
import { checkData } from '../engine/data/checks.ts';
import { UserError } from '../engine/util/errors.ts';

const TASKS: Task[] = ['binary', 'multiclass', 'regression'];

interface InspectJson {
  rows: number;
  delimiter: string | null;
  encoding: string | null;
  columns: { name: string; type: string; missing: number }[];
  target?: { name: string; task: Task; classes?: string[] };
  issues: { code: string; severity: string; column?: string; message: string; suggestion?: string }[];
  usable: boolean;
  canTrain?: boolean;
}

const DELIM_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' };

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Read a CSV file and say what is in it and what is wrong with it, in plain words.',
  usage: 'inspect <file.csv> [--target <column>] [--task binary|multiclass|regression] [--json]',
  async run(args) {
    const { positional, flags } = parseArgs(args, ['json']);
    const json = flags.json === true;
    const file = positional[0];
    const target = typeof flags.target === 'string' ? flags.target : undefined;
    const task = typeof flags.task === 'string' ? flags.task : undefined;
    const refuse = (code: string, message: string, suggestion?: string): number => {
      const out: InspectJson = { rows: 0, delimiter: null, encoding: null, columns: [], issues: [{ code, severity: 'error', message, ...(suggestion ? { suggestion } : {}) }], usable: false };
      if (json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else process.stdout.write(`Augur cannot use this file.\n  ${message}${suggestion ? `\n  ${suggestion}` : ''}\n`);
      return 2;
    };
    if (!file) return refuse('usage', `Tell Augur which file to read: npm run automl -- ${this.usage}`);
    if (task !== undefined && !TASKS.includes(task as Task)) return refuse('usage', `--task must be one of ${TASKS.join(', ')}.`);
    if (flags.target === true) return refuse('usage', 'Give the target column\'s name after --target.');

    const tty = !json && process.stderr.isTTY;
    let imported;
    try {
      imported = await importCsvFile(file, {
        onProgress: tty ? (f, msg) => process.stderr.write(`\r${Math.round(f * 100)}% ${msg}   `) : undefined,
      });
    } catch (err) {
      if (err instanceof UserError) return refuse(err.code, err.message, err.suggestion);
      throw err;
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    const { table, summary } = imported;
    const report = checkData(table, { target, task: task as Task | undefined }, summary.findings);
    const issues = report.findings.filter((f) => !(target === undefined && f.code === 'no_target'));
    const out: InspectJson = {
      rows: summary.rows,
      delimiter: summary.delimiter,
      encoding: summary.encoding,
      columns: summary.columns.map((c) => ({ name: c.name, type: c.type, missing: c.missing })),
      ...(report.target ? { target: { name: report.target.name, task: report.target.task, ...(report.target.classes ? { classes: report.target.classes } : {}) } } : {}),
      issues: issues.map((f) => ({ code: f.code, severity: f.severity, ...(f.column !== undefined ? { column: f.column } : {}), message: f.message, ...(f.suggestion ? { suggestion: f.suggestion } : {}) })),
      usable: true,
      ...(target !== undefined ? { canTrain: report.canTrain } : {}),
    };
    const code = target !== undefined && !report.canTrain ? 2 : 0;
    if (json) {
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return code;
    }
    const lines: string[] = [];
    lines.push(`${summary.fileName}: ${summary.rows.toLocaleString('en-US')} ${summary.rows === 1 ? 'row' : 'rows'}, ${summary.columns.length} columns`);
    lines.push(`Separator: ${DELIM_NAMES[summary.delimiter] ?? summary.delimiter}   Encoding: ${summary.encoding}   Read in ${summary.elapsedS.toFixed(2)} s`);
    lines.push('');
    const w = Math.min(40, Math.max(6, ...summary.columns.map((c) => c.name.length)));
    lines.push(`  ${'Column'.padEnd(w)}  ${'Type'.padEnd(11)}  ${'Missing'.padStart(8)}  Examples`);
    for (const c of summary.columns) {
      const name = c.name.length > w ? c.name.slice(0, w - 1) + '…' : c.name;
      lines.push(`  ${name.padEnd(w)}  ${c.type.padEnd(11)}  ${c.missing.toLocaleString('en-US').padStart(8)}  ${c.examples.slice(0, 3).join(', ').slice(0, 50)}`);
    }
    lines.push('');
    if (report.target) {
      const t = report.target;
      const what = t.task === 'regression' ? 'an amount (regression)' : t.task === 'binary' ? `one of two outcomes: ${t.classes?.join(' / ')}` : `one of ${t.classes?.length} categories`;
      lines.push(`Target "${t.name}": Augur will predict ${what}.`);
    }
    if (issues.length === 0) lines.push('No problems found.');
    else {
      lines.push(`${issues.length} ${issues.length === 1 ? 'thing' : 'things'} to know:`);
      const mark = { error: 'ERROR  ', warning: 'WARNING', info: 'NOTE   ' } as const;
      for (const f of issues) {
        lines.push(`  ${mark[f.severity]} ${f.message}`);
        if (f.suggestion) lines.push(`          ${f.suggestion}`);
      }
    }
    if (target !== undefined) lines.push('', report.canTrain ? 'Ready to train.' : `Training cannot start: ${report.blockingReason}`);
    process.stdout.write(lines.join('\n') + '\n');
    return code;
  },
};
