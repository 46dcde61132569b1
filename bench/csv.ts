// `npm run bench -- csv [--file <csv>] [--runs N] [--rows N] [--threads auto|1|2]`: CSV import speed and peak memory,
// side by side with pandas.read_csv (C engine) on the same file in the same run. Each side runs in
// its own child process so its peak RSS is its own; runs alternate ours/pandas and the medians are
// reported. Without --file, a 1M-row x 20-column mixed file like the peers' gen_csv.py is written
// to the temp folder once (seeded).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { parallelPolicy, parallelStats } from '../electron/engine/data/parallel.ts';

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const PANDAS_SCRIPT = `
import resource, sys, time, json
import pandas as pd
c = time.process_time(); t = time.perf_counter(); df = pd.read_csv(sys.argv[1]); s = time.perf_counter() - t; c = time.process_time() - c
print(json.dumps({"rows": len(df), "seconds": s, "cpu_seconds": c, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

interface Side {
  rows: number;
  seconds: number;
  /** CPU time of the read (all threads): steadier than wall time on a busy machine. */
  cpu_seconds: number;
  peak_rss_mb: number;
  /** Ours only: 'two-threads' when a second thread read half the file, else one thread. */
  mode?: string;
}

/** Child-process entry: import the file and print rows, seconds and this process's peak RSS. */
async function child(file: string, threads: string): Promise<void> {
  // auto: a second thread only for big files on a machine with a core to spare; 1: never; 2: always.
  if (threads === '1') parallelPolicy.minBytes = Number.MAX_SAFE_INTEGER;
  if (threads === '2') Object.assign(parallelPolicy, { minBytes: 0, ignoreLoad: true });
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await importCsvFile(file);
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(c);
  const out: Side = { rows: r.summary.rows, seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: process.resourceUsage().maxRSS / 1024, mode: parallelStats.last === 'two-threads' ? 'two-threads' : 'one-thread' };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** The peers' mixed file: 6 float, 6 int, 4 category words, 2 three-word texts, 1 date, 1 quoted text with a comma. */
export function writeMixedCsv(file: string, rows: number): void {
  let s = 0x9e3779b9;
  const rnd = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
  const cats = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const words = ['red', 'green', 'blue', 'fast', 'slow', 'cat', 'dog', 'tree', 'river', 'stone'];
  const header = [...[0, 1, 2, 3, 4, 5].map((i) => `f${i}`), ...[0, 1, 2, 3, 4, 5].map((i) => `i${i}`), 'c0', 'c1', 'c2', 'c3', 't0', 't1', 'date', 'addr'];
  const fd = fs.openSync(file, 'w');
  const day0 = Date.UTC(2020, 0, 1);
  let buf: string[] = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const f: string[] = [];
    for (let i = 0; i < 6; i++) f.push(((rnd() - 0.5) * 400).toFixed(6));
    for (let i = 0; i < 6; i++) f.push(String(Math.floor(rnd() * 100000)));
    for (let i = 0; i < 4; i++) f.push(cats[Math.floor(rnd() * 8)]);
    for (let i = 0; i < 2; i++) f.push([0, 1, 2].map(() => words[Math.floor(rnd() * 10)]).join(' '));
    f.push(new Date(day0 + Math.floor(rnd() * 1500) * 86_400_000).toISOString().slice(0, 10));
    f.push(`"${1 + Math.floor(rnd() * 998)} Main St, Town ${1 + Math.floor(rnd() * 49)}"`);
    buf.push(f.join(','));
    if (buf.length >= 10000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}

function runSide(cmd: string, args: string[]): Side {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Side;
  } catch {
    throw new Error(`${path.basename(cmd)} run failed: ${(r.stderr || r.stdout).trim().slice(-400)}`);
  }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchCsv(args: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args[0] === '--child') return child(args[1], args[2] ?? 'auto');
  const threads = arg('threads') ?? 'auto';
  const runs = Number(arg('runs') ?? 1);
  const rows = Number(arg('rows') ?? 1_000_000);
  let file = arg('file');
  if (!file) {
    const peers = '/tmp/perf/data/mixed_1M.csv';
    file = rows === 1_000_000 && fs.existsSync(peers) ? peers : path.join(os.tmpdir(), `augur-bench-mixed-${rows}.csv`);
    if (!fs.existsSync(file)) {
      process.stderr.write(`Writing ${rows.toLocaleString('en-US')}-row test file ${file} ...\n`);
      writeMixedCsv(file, rows);
    }
  }
  const self = fileURLToPath(import.meta.url);
  const ours: Side[] = [];
  const pandas: Side[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(runSide(process.execPath, ['--import', 'tsx', self, '--child', file, threads]));
    pandas.push(runSide(PYTHON, ['-c', PANDAS_SCRIPT, file]));
  }
  const oursRate = median(ours.map((s) => s.rows / s.seconds));
  const pandasRate = median(pandas.map((s) => s.rows / s.seconds));
  const oursRss = median(ours.map((s) => s.peak_rss_mb));
  const pandasRss = median(pandas.map((s) => s.peak_rss_mb));
  const result = {
    file,
    file_mb: Math.round(fs.statSync(file).size / 1e6),
    rows: ours[0].rows,
    runs,
    ours_rows_per_s: Math.round(oursRate),
    ours_peak_rss_mb: Math.round(oursRss),
    pandas_rows_per_s: Math.round(pandasRate),
    pandas_peak_rss_mb: Math.round(pandasRss),
    ratio_speed: Math.round((oursRate / pandasRate) * 100) / 100,
    ratio_rss: Math.round((oursRss / pandasRss) * 100) / 100,
    // Rows per CPU-second: how much work each side does, whatever else runs on the machine.
    ours_rows_per_cpu_s: Math.round(median(ours.map((s) => s.rows / s.cpu_seconds))),
    pandas_rows_per_cpu_s: Math.round(median(pandas.map((s) => s.rows / s.cpu_seconds))),
    ratio_cpu_efficiency: Math.round((median(ours.map((s) => s.rows / s.cpu_seconds)) / median(pandas.map((s) => s.rows / s.cpu_seconds))) * 100) / 100,
    ours_threads: ours.map((s) => s.mode),
    load_average: Math.round(os.loadavg()[0] * 10) / 10,
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

// Run directly: `node --import tsx bench/csv.ts [options]` (also how the child side is started).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  benchCsv(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`Benchmark failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
