// index.html and page.css of a web export. The page loads only files beside it with classic scripts
// (model-data.js, then page.js), so it works from file:// (Chromium refuses ES-module scripts and fetch
// there) and from any static host, under a strict Content-Security-Policy: no inline script or style,
// no eval. The only model text in the HTML is escaped; page.js fills in the rest with textContent.
import type { WebModelInfo } from './runtime/web-model.ts';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function indexHtml(info: WebModelInfo): string {
  const made = info.created ? `Made with Augur${info.appVersion ? ` ${escapeHtml(info.appVersion)}` : ''} on ${escapeHtml(info.created.slice(0, 10))}.` : 'Made with Augur.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(info.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="page.css">
<script src="model-data.js" defer></script>
<script src="page.js" defer></script>
</head>
<body>
<header class="hero">
  <div class="wrap">
    <p class="kicker">Prediction model</p>
    <h1>${escapeHtml(info.title)}</h1>
    <p class="lede">${escapeHtml(info.predicts)}</p>
    ${info.quality ? `<p class="quality">${escapeHtml(info.quality)}</p>` : ''}
  </div>
</header>
<main class="wrap grid">
  <section class="card" aria-labelledby="form-title">
    <div class="card-head">
      <h2 id="form-title">Describe a case</h2>
      <button type="button" id="reset" class="link">Typical values</button>
    </div>
    <form id="inputs" autocomplete="off" novalidate></form>
  </section>
  <section class="card result" aria-labelledby="result-title">
    <h2 id="result-title">The model's answer</h2>
    <noscript><p class="error">This page needs JavaScript to compute its answers (it runs only on this page).</p></noscript>
    <p id="error" class="error" role="alert" hidden></p>
    <div id="answer" aria-live="polite"><p class="muted">Loading the model…</p></div>
    <div id="reasons" aria-live="polite"></div>
  </section>
</main>
<footer class="wrap foot">
  <p class="private">Everything runs on this page: what you type never leaves your device, and the page works offline.</p>
  <p>${escapeHtml(info.description)}. ${made} Developers: <code>import { predict } from './scorer.js'</code> (see README.md).</p>
</footer>
</body>
</html>
`;
}

export const PAGE_CSS = `:root {
  --bg: #f6f7fb; --card: #fff; --ink: #1d2333; --muted: #5b6478; --line: #e3e6ee; --accent: #4354d6;
  --accent-soft: #e7eafc; --up: #b4233c; --down: #1d7a55; --warn: #b86b00; --radius: 14px;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #12151d; --card: #1b1f2b; --ink: #e9ecf4; --muted: #a0a8bb; --line: #2d3344; --accent: #8c98ff; --accent-soft: #2a3160; --up: #ff8a9c; --down: #6fdcae; --warn: #ffb54d; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.wrap { max-width: 1080px; margin: 0 auto; padding: 0 20px; }
.hero { background: linear-gradient(135deg, #2f3aa8, #4354d6 55%, #6a5cd8); color: #fff; padding: 34px 0 78px; }
.kicker { margin: 0 0 6px; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; opacity: .8; }
h1 { margin: 0; font-size: clamp(26px, 4.2vw, 36px); line-height: 1.15; font-weight: 700; }
.lede { margin: 10px 0 0; font-size: 17px; opacity: .95; max-width: 60ch; }
.quality { margin: 6px 0 0; font-size: 14px; opacity: .85; max-width: 70ch; }
.grid { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 20px; margin-top: -52px; align-items: start; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 22px; box-shadow: 0 6px 24px rgba(20, 28, 60, .08); }
.result { position: sticky; top: 16px; }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; }
h2 { margin: 0 0 14px; font-size: 18px; }
h3 { margin: 20px 0 8px; font-size: 15px; color: var(--muted); font-weight: 600; }
form { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px 16px; }
.field { display: flex; flex-direction: column; min-width: 0; }
label { font-size: 14px; font-weight: 600; margin-bottom: 4px; overflow-wrap: anywhere; }
input, select { font: inherit; color: var(--ink); background: var(--card); border: 1px solid var(--line); border-radius: 9px; padding: 9px 11px; width: 100%; min-height: 42px; }
input:focus, select:focus { outline: 2px solid var(--accent); outline-offset: 1px; border-color: transparent; }
input.outside { border-color: var(--warn); }
.hint { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
input.outside + .hint { color: var(--warn); }
input.outside + .hint::after { content: " (outside it: the answer is a guess)"; }
button.link { font: inherit; font-size: 14px; background: none; border: 0; color: var(--accent); cursor: pointer; padding: 4px 0; }
button.link:hover { text-decoration: underline; }
.label { font-size: 14px; color: var(--muted); overflow-wrap: anywhere; }
.answer { font-size: clamp(30px, 5vw, 42px); font-weight: 700; line-height: 1.15; margin: 2px 0 6px; overflow-wrap: anywhere; color: var(--accent); }
.range { margin: 4px 0 0; color: var(--ink); }
.chart { margin-top: 16px; display: grid; gap: 8px; }
.chart-row { display: grid; grid-template-columns: minmax(60px, 34%) 1fr 48px; align-items: center; gap: 10px; font-size: 14px; }
.chart-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chart-value { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.track { height: 14px; background: var(--accent-soft); border-radius: 7px; overflow: hidden; }
.bar { height: 100%; background: color-mix(in srgb, var(--accent) 45%, transparent); border-radius: 7px; }
.chart-row.best .bar { background: var(--accent); }
.chart-row.best .chart-name, .chart-row.best .chart-value { font-weight: 700; color: var(--ink); }
.reasons { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.reasons li { display: flex; gap: 10px; align-items: baseline; font-size: 14.5px; }
.pill { flex: none; font-size: 12px; font-weight: 700; font-variant-numeric: tabular-nums; padding: 2px 8px; border-radius: 999px; min-width: 64px; text-align: center; }
.pill.up { color: var(--up); background: color-mix(in srgb, var(--up) 12%, transparent); }
.pill.down { color: var(--down); background: color-mix(in srgb, var(--down) 12%, transparent); }
.muted { color: var(--muted); font-size: 14px; }
.small { font-size: 12.5px; margin: 6px 0 0; }
button.secondary { font: inherit; font-size: 14px; font-weight: 600; color: var(--accent); background: var(--accent-soft); border: 0; border-radius: 9px; padding: 8px 14px; cursor: pointer; }
button.secondary:hover { filter: brightness(0.97); }
.error { color: var(--up); font-weight: 600; margin: 0 0 10px; }
.foot { color: var(--muted); font-size: 13px; padding-top: 22px; padding-bottom: 40px; }
.foot p { margin: 4px 0; }
.private { color: var(--ink); font-weight: 600; }
code { font-size: 12.5px; background: var(--accent-soft); padding: 1px 5px; border-radius: 5px; }
@media (max-width: 760px) {
  .grid { grid-template-columns: 1fr; margin-top: -56px; }
  .result { position: static; order: -1; }
  form { grid-template-columns: 1fr; }
  .hero { padding: 26px 0 72px; }
  .card { padding: 18px; }
}
`;
