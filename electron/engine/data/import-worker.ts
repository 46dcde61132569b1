// Worker thread for parallel import: reads the second half of a CSV file (see parallel.ts) and
// sends back its columns as transferable typed arrays.
import { parentPort, workerData } from 'node:worker_threads';
import { NotUtf8Error, RangeParser, type RangeSpec } from './parse-range.ts';

const spec = workerData as RangeSpec;
const parser = new RangeParser(spec);
let last = 0;
parser
  .run({
    onChunk: () => {
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        parentPort!.postMessage({ type: 'progress', bytesRead: parser.bytesRead, rows: parser.rows });
      }
    },
  })
  .then(async () => {
    await parser.close();
    const states = parser.builders.map((b) => b.exportState());
    const transfer = states.flatMap((s) => [s.values?.buffer, s.codes?.buffer].filter((x): x is ArrayBuffer => x instanceof ArrayBuffer));
    parentPort!.postMessage(
      {
        type: 'done',
        states,
        rows: parser.rows,
        line: parser.line,
        shortRows: parser.shortRows,
        longRows: parser.longRows,
        firstShort: parser.firstShort,
        firstLong: parser.firstLong,
        unterminated: parser.unterminated,
        headerRows: parser.headerRows,
        firstHeaderRow: parser.firstHeaderRow,
      },
      transfer,
    );
  })
  .catch((err: unknown) => {
    parentPort!.postMessage({ type: 'error', notUtf8: err instanceof NotUtf8Error, message: (err as Error)?.message ?? String(err) });
  });
