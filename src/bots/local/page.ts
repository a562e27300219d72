/**
 * The local mode page: self-contained HTML, CSS and a little script (no external assets).
 * The style and the script are constants whose sha256 hashes go into the Content-Security-Policy
 * (`PAGE_CSP`), so the page runs no inline code but exactly these two, and no inline style
 * attributes: anything that slipped into the thread HTML could not run or restyle the page.
 */
import { createHash } from 'node:crypto';

export const PAGE_STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 760px; margin: 2em auto; padding: 0 1em; color: #1d1d1f; background: #f6f6f8; }
  h1 { font-size: 1.5em; margin-bottom: 0.2em; }
  .sub { color: #666; margin-top: 0; }
  form { display: grid; gap: 0.5em; background: #fff; padding: 1em; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
  textarea { font: inherit; min-height: 5em; padding: 0.5em; resize: vertical; }
  .row { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; }
  button { font: inherit; padding: 0.4em 1em; border-radius: 6px; border: 1px solid #888; background: #fff; cursor: pointer; }
  button.primary { background: #2b59c3; color: #fff; border-color: #2b59c3; }
  #status { margin: 1em 0; color: #444; min-height: 1.5em; }
  #status.error { color: #b00020; }
  .msg { background: #fff; border-radius: 8px; padding: 0.8em 1em; margin: 0.8em 0; box-shadow: 0 1px 3px #0002; }
  .msg h3, .msg h4 { margin: 0 0 0.4em; }
  .text { white-space: pre-wrap; }
  img { max-width: 100%; display: block; margin: 0.3em 0; background: #fff; }
  pre { background: #272822; color: #f8f8f2; padding: 0.6em; border-radius: 6px; overflow-x: auto; }
  pre.output { background: #eef; color: #112; }
  pre.output.err { background: #fee; color: #600; }
  pre.alts { background: #f3f3f3; color: #333; white-space: pre-wrap; }
  .meta { color: #666; font-size: 0.9em; }
  .warn { color: #a15c00; }
  .hidden { display: none; }
  #reveal { margin: 0.5em 0; }
  #budget { width: 5em; }
`;

export const PAGE_SCRIPT = `
(function () {
  var form = document.getElementById('ask');
  var statusEl = document.getElementById('status');
  var threadEl = document.getElementById('thread');
  var reveal = document.getElementById('reveal');
  var shown = 0;
  function setStatus(text, error) { statusEl.textContent = text || ''; statusEl.className = error ? 'error' : ''; }
  function steps() { return threadEl.querySelectorAll('section.step'); }
  function showUpTo(n) {
    var s = steps();
    shown = Math.min(n, s.length);
    for (var i = 0; i < s.length; i++) s[i].classList.toggle('hidden', i >= shown);
    reveal.classList.toggle('hidden', shown >= s.length);
  }
  document.getElementById('next').onclick = function () { showUpTo(shown + 1); };
  document.getElementById('all').onclick = function () { showUpTo(1e9); };
  function poll(id) {
    fetch('/api/jobs/' + id).then(function (r) { return r.json(); }).then(function (j) {
      if (j.status === 'done') {
        setStatus(j.cached ? 'Done (answered from the cache).' : 'Done.');
        threadEl.innerHTML = j.html;
        document.body.setAttribute('data-state', 'done');
        showUpTo(1);
        return;
      }
      if (j.status === 'failed' || j.error) { setStatus(j.error || 'Failed.', true); document.body.setAttribute('data-state', 'failed'); return; }
      setStatus(j.progress || (j.status === 'queued' ? 'Queued…' : 'Solving…'));
      setTimeout(function () { poll(id); }, 400);
    }).catch(function () { setStatus('Lost contact with the server; retrying…', true); setTimeout(function () { poll(id); }, 1500); });
  }
  form.onsubmit = function (e) {
    e.preventDefault();
    threadEl.innerHTML = '';
    reveal.classList.add('hidden');
    document.body.setAttribute('data-state', 'asking');
    setStatus('Sending…');
    var body = { question: document.getElementById('question').value, strategy: document.getElementById('strategy').value, budget: document.getElementById('budget').value };
    fetch('/api/solve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (x) {
        if (!x.ok) { setStatus(x.j.error || 'Something went wrong.', true); document.body.setAttribute('data-state', 'failed'); return; }
        history.replaceState(null, '', '#' + x.j.id);
        setStatus('Queued…');
        poll(x.j.id);
      })
      .catch(function () { setStatus('Could not reach the server.', true); });
  };
  if (location.hash.length > 1) { setStatus('Loading…'); poll(location.hash.slice(1)); }
  fetch('/api/health').then(function (r) { return r.json(); }).then(function (h) {
    if (h.engine && h.engine.indexOf('unavailable') === 0) setStatus('Note: the solver is ' + h.engine, true);
  }).catch(function () {});
})();
`;

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The page's policy: nothing loads but this origin's images and API calls, only the two hashed
 * blocks run or style, no plugins, no <base>, no form posts, never framed.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stepwise: step-by-step math</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>Stepwise</h1>
<p class="sub">Ask a math question. The solver searches over step-by-step solutions, runs each step's code, and shows you the best thread.</p>
<form id="ask">
  <textarea id="question" name="question" placeholder="e.g. What is the sum of the first 20 odd numbers?" required></textarea>
  <div class="row">
    <label>Strategy <select id="strategy"><option value="">default</option><option>mcts</option><option>beam</option><option>vote</option><option>best-of-n</option><option>greedy</option></select></label>
    <label>Budget <input id="budget" type="number" min="1" max="1000" placeholder="default"></label>
    <button class="primary" id="solve" type="submit">Solve</button>
  </div>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="reveal" class="hidden"><button id="next" type="button">Next step</button> <button id="all" type="button">Show all</button></div>
<div id="thread"></div>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
