// The small CSVs the app ships for a first try (assets/samples). A sample is referred to by its
// file name; only names found in the folder are ever opened, so a FileRef cannot escape it.
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Sample {
  name: string;
  description: string;
  path: string;
}

/**
 * Lists `*.csv` in `dir`. Descriptions come from an optional `samples.json` next to them:
 * either `{ "file.csv": "description" }` or `[{ "name": "file.csv", "description": "..." }]`.
 */
export async function listSamples(dir: string): Promise<Sample[]> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  } catch {
    return []; // no samples folder: the app still works, it just offers none
  }
  const descriptions = await readDescriptions(path.join(dir, 'samples.json'));
  return files.map((name) => ({ name, description: descriptions.get(name) ?? `Example data: ${name.replace(/\.csv$/i, '').replace(/[_-]+/g, ' ')}`, path: path.join(dir, name) }));
}

async function readDescriptions(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return out;
  }
  const entries: [unknown, unknown][] = Array.isArray(json)
    ? json.map((e) => [(e as { name?: unknown; file?: unknown })?.name ?? (e as { file?: unknown })?.file, (e as { description?: unknown })?.description])
    : json && typeof json === 'object'
      ? Object.entries(json)
      : [];
  for (const [name, desc] of entries) if (typeof name === 'string' && typeof desc === 'string') out.set(name, desc);
  return out;
}
