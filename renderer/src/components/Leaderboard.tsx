import { useState } from 'react';
import type { LeaderboardRow } from '../../../shared/api.ts';
import { formatScoreColumn, formatSeconds, metricPlain, moreModelsLine } from '../format.ts';
import { bestOf, sortLeaderboard } from '../store.ts';

const STATUS_WORDS: Record<LeaderboardRow['status'], string> = {
  done: '',
  pruned: 'stopped early (not promising)',
  failed: 'could not be trained',
};

// Models tried so far, best first. Scores are shown in plain terms (86 %, ± 1,234). `total` counts every
// model tried when `rows` holds only the best of them (a finished run keeps 100).
export function Leaderboard({ rows, limit, expandable, total }: { rows: LeaderboardRow[]; limit?: number; expandable?: boolean; total?: number }) {
  const [all, setAll] = useState(false);
  if (rows.length === 0) return <p className="muted empty-board">The first models will appear here within a few seconds.</p>;
  const sorted = sortLeaderboard(rows);
  const shown = limit && !all ? sorted.slice(0, limit) : sorted;
  const best = bestOf(rows);
  const metric = best?.metric ?? rows[0].metric;
  const plain = metricPlain(metric);
  const hidden = sorted.length - shown.length;
  const notKept = Math.max(0, (total ?? sorted.length) - sorted.length);
  const scores = formatScoreColumn(metric, shown.map((r) => (r.status === 'done' ? r.score : Number.NaN)));
  return (
    <div>
      <div className="table-scroll">
        <table className="board" data-testid="leaderboard">
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              <th scope="col">Model</th>
              <th scope="col" className="num" title={plain.hint}>
                {plain.label}
              </th>
              <th scope="col" className="num">Training time</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={r.id} className={`${r.id === best?.id ? 'is-best' : ''} status--${r.status}`} data-testid="leaderboard-row">
                <td className="num">{i + 1}</td>
                <td>
                  {r.model}
                  {r.id === best?.id && <span className="badge">best</span>}
                  {(STATUS_WORDS[r.status] || r.note) && <div className="board__note">{r.note ?? STATUS_WORDS[r.status]}</div>}
                </td>
                <td className="num">{scores[i]}</td>
                <td className="num">{formatSeconds(r.fitS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hidden + notKept > 0 && (
        <p className="board__more muted" data-testid="board-more">
          {moreModelsLine(hidden, notKept, sorted.length, expandable === true)}
          {expandable && hidden > 0 && (
            <button type="button" className="link" onClick={() => setAll(true)}>
              {notKept > 0 ? 'show them all' : 'show all'}
            </button>
          )}
        </p>
      )}
    </div>
  );
}
