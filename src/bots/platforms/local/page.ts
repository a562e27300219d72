/**
 * The local mode page: self-contained HTML, CSS and a little script (no external assets).
 * The style and the script are constants whose sha256 hashes go into the Content-Security-Policy
 * (`PAGE_CSP`), so the page runs no inline code but exactly these two, and no inline style
 * attributes: anything that slipped into the thread HTML could not run or restyle the page.
 */
import { createHash } from 'node:crypto';
import { EXAMPLE_QUESTION } from '../../../engine/search';

export const PAGE_STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 760px; margin: 2em auto; padding: 0 1em; color: #1d1d1f; background: #f6f6f8; overflow-wrap: anywhere; }
  h1 { font-size: 1.5em; margin-bottom: 0.2em; }
  .sub { color: #666; margin-top: 0; }
  form { display: grid; gap: 0.5em; background: #fff; padding: 1em; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
  textarea { font: inherit; min-height: 5em; padding: 0.5em; resize: vertical; }
  .row { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; }
  button { font: inherit; padding: 0.4em 1em; border-radius: 6px; border: 1px solid #888; background: #fff; cursor: pointer; }
  button.primary { background: #2b59c3; color: #fff; border-color: #2b59c3; }
  button:disabled, button.primary:disabled { background: #e4e4e8; color: #8a8a90; border-color: #c8c8cc; cursor: not-allowed; }
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
  #reveal, #again-row { margin: 0.5em 0; }
  #budget { width: 7em; }
  .tabs { display: flex; gap: 0.3em; margin: 1em 0; }
  .tabs button[aria-selected="true"] { background: #2b59c3; color: #fff; border-color: #2b59c3; }
  .card { background: #fff; padding: 1em; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
  .card input[type=number] { width: 5em; }
  label.block { display: grid; gap: 0.3em; }
  textarea.tall { min-height: 12em; }
  .feedback.right, .match { color: #1b7a2f; }
  .feedback.wrong, .mismatch { color: #b00020; }
  .hint { background: #f3f3f3; padding: 0.5em; border-radius: 6px; margin: 0.3em 0; }
  .check-step { margin: 0.5em 0; }
  .verdict { font-weight: 600; }
  .verdict.looks-sound { color: #1b7a2f; }
  .verdict.looks-weak, .verdict.first-weak-step { color: #b00020; }
  .verdict.not-scored { color: #666; }
  #p-clock { font-weight: 600; }
  #c-status.error, #p-status.error { color: #b00020; }
`;

export const PAGE_SCRIPT = `
(function () {
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; }
  function api(method, url, body) {
    var init = { method: method, headers: {} };
    if (body) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, j: j }; }); });
  }
  // who this browser is for practice and /check (made up here, kept in localStorage)
  var player = '';
  try { player = localStorage.getItem('stepwise.player') || ''; } catch (e) {}
  if (!/^[a-z0-9]{16}$/.test(player)) {
    var bytes = new Uint8Array(8); crypto.getRandomValues(bytes);
    player = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    try { localStorage.setItem('stepwise.player', player); } catch (e) {}
  }

  // tabs
  var tabs = document.querySelectorAll('[role="tab"]');
  function showTab(name) {
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i].getAttribute('data-panel') === name;
      tabs[i].setAttribute('aria-selected', on ? 'true' : 'false');
      $('panel-' + tabs[i].getAttribute('data-panel')).classList.toggle('hidden', !on);
    }
    document.body.setAttribute('data-tab', name);
    if (name === 'practice') loadSets();
  }
  for (var t = 0; t < tabs.length; t++) tabs[t].onclick = function () { showTab(this.getAttribute('data-panel')); };

  // ---- Solve ----
  var form = $('ask');
  var statusEl = $('status');
  var threadEl = $('thread');
  var reveal = $('reveal');
  var againRow = $('again-row');
  var budgetEl = $('budget');
  var config = null;
  var current = null;
  var shown = 0;
  function setStatus(text, error) { statusEl.textContent = text || ''; statusEl.className = error ? 'error' : ''; }
  function steps() { return threadEl.querySelectorAll('section.step'); }
  function showUpTo(n) {
    var s = steps();
    shown = Math.min(n, s.length);
    for (var i = 0; i < s.length; i++) s[i].classList.toggle('hidden', i >= shown);
    reveal.classList.toggle('hidden', shown >= s.length);
  }
  $('next').onclick = function () { showUpTo(shown + 1); };
  $('all').onclick = function () { showUpTo(1e9); };
  fetch('/api/config').then(function (r) { return r.json(); }).then(function (c) {
    config = c;
    budgetEl.max = String(c.maxBudget);
    budgetEl.placeholder = 'default ' + c.defaultBudget;
    budgetEl.title = 'Search budget, 1 to ' + c.maxBudget;
    var strategyEl = document.getElementById('strategy');
    if (strategyEl && c.defaultStrategy) strategyEl.options[0].textContent = 'default (' + c.defaultStrategy + ')';
    document.body.setAttribute('data-max-budget', String(c.maxBudget));
  }).catch(function () {});
  function poll(id) {
    fetch('/api/jobs/' + id).then(function (r) { return r.json(); }).then(function (j) {
      if (j.status === 'done') {
        current = { question: j.question, strategy: j.strategy, budget: j.budget };
        setStatus(j.cached ? 'Done (answered from the cache; "Solve again" searches afresh).' : 'Done.');
        threadEl.innerHTML = j.html;
        document.body.setAttribute('data-state', 'done');
        document.body.setAttribute('data-job', j.id);
        document.body.setAttribute('data-cached', j.cached ? 'true' : 'false');
        againRow.classList.remove('hidden');
        showUpTo(1);
        return;
      }
      if (j.status === 'failed' || j.error) { setStatus(j.error || 'Failed.', true); document.body.setAttribute('data-state', 'failed'); return; }
      document.body.setAttribute('data-state', j.status);
      setStatus(j.progress || 'Working…');
      setTimeout(function () { poll(id); }, 400);
    }).catch(function () { setStatus('Lost contact with the server; retrying…', true); setTimeout(function () { poll(id); }, 1500); });
  }
  function solve(body) {
    threadEl.innerHTML = '';
    reveal.classList.add('hidden');
    againRow.classList.add('hidden');
    document.body.setAttribute('data-state', 'asking');
    setStatus('Sending…');
    api('POST', '/api/solve', body).then(function (x) {
      if (!x.ok) { setStatus(x.j.error || 'Something went wrong.', true); document.body.setAttribute('data-state', 'failed'); return; }
      history.replaceState(null, '', '#' + x.j.id);
      setStatus('Sent; starting…');
      poll(x.j.id);
    }).catch(function () { setStatus('Could not reach the server.', true); });
  }
  form.onsubmit = function (e) {
    e.preventDefault();
    var b = budgetEl.value.trim();
    if (b !== '' && config && !(/^\\d+$/.test(b) && Number(b) >= 1 && Number(b) <= config.maxBudget)) {
      setStatus(config.budgetMessage, true);
      document.body.setAttribute('data-state', 'failed');
      budgetEl.focus();
      return;
    }
    solve({ question: $('question').value, strategy: $('strategy').value, budget: b });
  };
  $('again').onclick = function () {
    if (!current) return;
    solve({ question: current.question, strategy: current.strategy || '', budget: current.budget === null ? '' : current.budget, fresh: true });
  };
  if (location.hash.length > 1) { setStatus('Loading…'); poll(location.hash.slice(1)); }
  fetch('/api/health').then(function (r) { return r.json(); }).then(function (h) {
    if (h.engine && h.engine.indexOf('unavailable') === 0) setStatus('Note: the solver is ' + h.engine, true);
  }).catch(function () {});

  // ---- Practice ----
  var setsLoaded = false;
  var session = null;
  var pTimer = null;
  function pStatus(text, error) { var s = $('p-status'); s.textContent = text || ''; s.className = error ? 'error' : ''; }
  function loadSets() {
    if (setsLoaded) return;
    setsLoaded = true;
    fetch('/api/practice/sets').then(function (r) { return r.json(); }).then(function (x) {
      var sel = $('p-set');
      sel.textContent = '';
      x.sets.forEach(function (s) { var o = el('option', '', s.title + ' (' + s.problems + ' problems)'); o.value = s.name; if (s.name === x.defaultSet) o.selected = true; sel.appendChild(o); });
      $('p-count').value = String(x.defaultCount); $('p-count').max = String(x.maxCount);
      $('p-minutes').value = String(x.defaultMinutes); $('p-minutes').max = String(x.maxMinutes);
      if (!x.sets.length) { $('p-none').textContent = x.message; $('p-none').classList.remove('hidden'); $('p-start').disabled = true; }
      var saved = null;
      try { saved = localStorage.getItem('stepwise.practice'); } catch (e) {}
      if (saved && !session) loadSession(saved);
    }).catch(function () { setsLoaded = false; pStatus('Could not reach the server.', true); });
  }
  function clock(ms) { var s = Math.ceil(ms / 1000); var m = Math.floor(s / 60); s = s % 60; return m + ':' + (s < 10 ? '0' : '') + s; }
  function loadSession(id) {
    fetch('/api/practice/sessions/' + encodeURIComponent(id) + '?player=' + player).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
      if (s) showSession(s);
    }).catch(function () {});
  }
  function buildProblems(s) {
    var box = $('p-problems');
    box.textContent = '';
    s.problems.forEach(function (p) {
      var card = el('section', 'msg problem');
      card.setAttribute('data-n', String(p.n));
      card.appendChild(el('h4', '', 'Problem ' + p.n + ' (' + p.id + ')'));
      if (p.image) { var img = el('img', 'problem-img'); img.src = p.image; img.alt = p.text; card.appendChild(img); }
      else card.appendChild(el('div', 'text problem-text', p.text));
      var row = el('div', 'row answer-row');
      var input = el('input', 'p-answer'); input.type = 'text'; input.placeholder = s.format === 'aime' ? 'a whole number 0-999' : 'your answer';
      input.setAttribute('aria-label', 'Answer to problem ' + p.n);
      var ans = el('button', 'primary p-submit', 'Answer'); ans.type = 'button';
      var hint = el('button', 'p-hint', 'Hint (-' + s.hintCost + ' points)'); hint.type = 'button';
      row.appendChild(input); row.appendChild(ans); row.appendChild(hint);
      card.appendChild(row);
      var fb = el('p', 'feedback'); fb.setAttribute('role', 'status'); card.appendChild(fb);
      var hints = el('div', 'hints'); card.appendChild(hints);
      var send = function () {
        api('POST', '/api/practice/answer', { player: player, session: s.id, n: p.n, value: input.value }).then(function (x) {
          fb.textContent = x.j.text || x.j.error || '';
          fb.className = 'feedback ' + (/^✅/.test(fb.textContent) ? 'right' : 'wrong');
          if (/^✅/.test(fb.textContent)) { input.disabled = true; ans.disabled = true; hint.disabled = true; }
        });
      };
      ans.onclick = send;
      input.onkeydown = function (e) { if (e.key === 'Enter') send(); };
      hint.onclick = function () {
        api('POST', '/api/practice/hint', { player: player, session: s.id, n: p.n }).then(function (x) {
          hints.appendChild(el('div', 'hint text', x.j.text || x.j.error || ''));
        });
      };
      if (p.solved) { input.disabled = true; ans.disabled = true; hint.disabled = true; fb.textContent = '✅ Solved.'; fb.className = 'feedback right'; }
      box.appendChild(card);
    });
  }
  function showResults(s) {
    var r = s.results;
    var box = $('p-results');
    box.textContent = '';
    if (!r) return;
    var head = el('section', 'msg results');
    head.appendChild(el('h3', '', r.reason === 'timeout' ? 'Time is up! Results' : 'Session ended. Results'));
    head.appendChild(el('p', 'score', 'Your score: ' + r.you.points + ' point' + (r.you.points === 1 ? '' : 's') + ' · ' + r.you.solved + '/' + s.problems.length +
      ' solved · ' + r.you.attempts + ' attempt' + (r.you.attempts === 1 ? '' : 's') + ' · ' + r.you.hints + ' hint' + (r.you.hints === 1 ? '' : 's')));
    box.appendChild(head);
    s.problems.forEach(function (p, i) {
      var sec = el('section', 'msg solution');
      sec.setAttribute('data-n', String(p.n));
      var last = p.attempts.length ? p.attempts[p.attempts.length - 1] : null;
      sec.appendChild(el('h4', '', 'Problem ' + p.n + ' (' + p.id + '): answer ' + p.answer));
      sec.appendChild(el('p', 'yours', last ? 'You answered ' + last.value + ' ' + (last.correct ? '✅' : '❌') : 'You did not answer.'));
      var v = r.solutions[i];
      if (v) {
        sec.appendChild(el('div', 'meta', v.kind === 'official' ? 'Official solution' + (v.url ? ' (' + v.url + ')' : '') :
          v.kind === 'bot' ? "No official solution in the data; the bot's own (it may be wrong):" : ''));
        sec.appendChild(el('div', 'text sol-text', v.text));
      }
      box.appendChild(sec);
    });
  }
  function showSession(s) {
    var fresh = !session || session.id !== s.id;
    session = s;
    try { localStorage.setItem('stepwise.practice', s.id); } catch (e) {}
    $('p-session').classList.remove('hidden');
    $('p-head').textContent = 'Practice · ' + s.title + ' · ' + s.problems.length + ' problem' + (s.problems.length === 1 ? '' : 's') +
      ' · ' + s.maxAttempts + ' attempt' + (s.maxAttempts === 1 ? '' : 's') + ' per problem' + (s.format === 'aime' ? ' · answers are whole numbers 0-999' : '');
    if (fresh) buildProblems(s);
    document.body.setAttribute('data-practice', s.status);
    clearTimeout(pTimer);
    if (s.status === 'open') {
      $('p-clock').textContent = 'Time left: ' + clock(s.msLeft);
      $('p-end').classList.remove('hidden');
      $('p-setup').classList.add('hidden');
      pTimer = setTimeout(function () { loadSession(s.id); }, 1000);
    } else {
      $('p-clock').textContent = 'Finished.';
      $('p-end').classList.add('hidden');
      $('p-setup').classList.remove('hidden');
      var inputs = $('p-problems').querySelectorAll('input, button');
      for (var i = 0; i < inputs.length; i++) inputs[i].disabled = true;
      showResults(s);
      if (!s.revealed) pTimer = setTimeout(function () { loadSession(s.id); }, 1000);
    }
  }
  $('p-start').onclick = function () {
    pStatus('Starting…');
    api('POST', '/api/practice/start', { player: player, set: $('p-set').value, count: $('p-count').value, minutes: $('p-minutes').value }).then(function (x) {
      if (!x.ok) {
        pStatus(x.j.error || 'Could not start.', true);
        if (x.j.session) loadSession(x.j.session);
        return;
      }
      pStatus('');
      $('p-results').textContent = '';
      session = null;
      showSession(x.j);
    }).catch(function () { pStatus('Could not reach the server.', true); });
  };
  $('p-end').onclick = function () {
    if (!session) return;
    api('POST', '/api/practice/end', { player: player, session: session.id }).then(function (x) {
      if (x.ok) showSession(x.j); else pStatus(x.j.error || 'Could not end the session.', true);
    });
  };

  // ---- Check ----
  $('check-form').onsubmit = function (e) {
    e.preventDefault();
    var out = $('c-report');
    var st = $('c-status');
    out.textContent = '';
    st.className = '';
    st.textContent = 'Checking your solution: scoring each step and solving the problem myself…';
    document.body.setAttribute('data-check', 'running');
    api('POST', '/api/check', { player: player, problem: $('c-problem').value, solution: $('c-solution').value }).then(function (x) {
      var r = x.j;
      document.body.setAttribute('data-check', x.ok ? 'done' : 'failed');
      if (!x.ok) { st.textContent = r.error || 'Something went wrong.'; st.className = 'error'; return; }
      st.textContent = 'Checked ' + r.steps.length + ' step' + (r.steps.length === 1 ? '' : 's') + (r.bankId ? ' · problem ' + r.bankId : '') + '.';
      var sum = el('section', 'msg check-summary');
      if (r.scorerNote) sum.appendChild(el('p', 'warn', '⚠ ' + r.scorerNote));
      else sum.appendChild(el('p', '', r.weakAt >= 0 ? 'The reasoning first looks weak at step ' + (r.weakAt + 1) + '.' : 'No step looks weak to the step scorer.'));
      if (r.matchesBot === true) sum.appendChild(el('p', 'match', 'Final answer ' + r.memberAnswer + ' matches my own solve (' + r.botAnswer + ').'));
      if (r.matchesBot === false) sum.appendChild(el('p', 'mismatch', 'Final answer ' + r.memberAnswer + ' does not match my own solve (' + r.botAnswer + ').'));
      if (r.botNote) sum.appendChild(el('p', 'meta', r.botNote));
      if (r.officialAnswer !== null && r.matchesOfficial !== null) sum.appendChild(el('p', '', 'Official answer: ' + (r.matchesOfficial ? 'your answer matches it.' : 'your answer does not match it.')));
      out.appendChild(sum);
      var ol = el('ol', 'check-steps');
      r.steps.forEach(function (s) {
        var li = el('li', 'check-step');
        li.setAttribute('data-verdict', s.verdict);
        var v = el('span', 'verdict ' + s.verdict.replace(/\\s+/g, '-'), s.verdict + (s.score === null ? '' : ' (' + (s.score >= 0 ? '+' : '') + s.score.toFixed(2) + ')'));
        li.appendChild(v);
        li.appendChild(el('div', 'text step-text', s.text));
        ol.appendChild(li);
      });
      out.appendChild(ol);
      out.appendChild(el('p', 'meta', r.note));
    }).catch(function () { st.textContent = 'Could not reach the server.'; st.className = 'error'; });
  };
})();
`;

/** The tab icon browsers ask for at /favicon.ico: a 32×32 PNG, white steps on the page's blue. */
export const FAVICON_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAXklEQVR42mNgwAK0Iw//pwVmwAdoZSlRjqG35RiOGNkOGCjL4Y4YdcCoA4aVAwiBUQfQ1QEDngaGtwOIAaMOoJsDBqQkHDkOoGZcjzpg8LYHRvsFg8IBA945HcjuOQCDvmHYZ8C/BAAAAABJRU5ErkJggg==',
  'base64',
);

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

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
<p class="sub">Step-by-step math: ask a question, practise against the clock, or have your own steps checked.</p>
<nav class="tabs" role="tablist">
  <button type="button" role="tab" id="tab-solve" data-panel="solve" aria-selected="true">Solve</button>
  <button type="button" role="tab" id="tab-practice" data-panel="practice" aria-selected="false">Practice</button>
  <button type="button" role="tab" id="tab-check" data-panel="check" aria-selected="false">Check</button>
</nav>
<div id="panel-solve" class="panel" role="tabpanel">
<p class="meta">The solver searches over step-by-step solutions, runs each step's code, and shows you the best thread.</p>
<form id="ask" novalidate>
  <textarea id="question" name="question" placeholder="e.g. ${escAttr(EXAMPLE_QUESTION)}" required></textarea>
  <div class="row">
    <label>Strategy <select id="strategy"><option value="">default</option><option>mcts</option><option>beam</option><option>vote</option><option>best-of-n</option><option>greedy</option></select></label>
    <label>Budget <input id="budget" type="number" min="1" placeholder="default"></label>
    <button class="primary" id="solve" type="submit">Solve</button>
  </div>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="thread"></div>
<div id="reveal" class="hidden"><button id="next" type="button">Next step</button> <button id="all" type="button">Show all</button></div>
<div id="again-row" class="hidden"><button id="again" type="button">Solve again</button> <span class="meta">a fresh search, not the stored answer</span></div>
</div>
<div id="panel-practice" class="panel hidden" role="tabpanel">
<div id="p-setup" class="card">
  <p class="meta">A timed session with problems from the bank: answer each one (attempts are limited), ask for hints (they cost points), then see your score and the solutions.</p>
  <p id="p-none" class="warn hidden" role="alert"></p>
  <div class="row">
    <label>Set <select id="p-set"></select></label>
    <label>Problems <input id="p-count" type="number" min="1"></label>
    <label>Minutes <input id="p-minutes" type="number" min="1"></label>
    <button class="primary" id="p-start" type="button">Start practice</button>
  </div>
</div>
<div id="p-status" role="status" aria-live="polite"></div>
<div id="p-session" class="hidden">
  <p id="p-head"></p>
  <p id="p-clock" aria-live="off"></p>
  <div id="p-problems"></div>
  <button id="p-end" type="button">End now and show results</button>
</div>
<div id="p-results"></div>
</div>
<div id="panel-check" class="panel hidden" role="tabpanel">
<form id="check-form" class="card" novalidate>
  <label class="block">Problem (its text, or a bank id such as aime2024-I-1)<textarea id="c-problem"></textarea></label>
  <label class="block">Your solution: one step per line or paragraph ("Step 1: …"), LaTeX in $…$, the final answer as \\boxed{…}<textarea id="c-solution" class="tall"></textarea></label>
  <div class="row"><button class="primary" id="c-run" type="submit">Check my steps</button></div>
</form>
<div id="c-status" role="status" aria-live="polite"></div>
<div id="c-report"></div>
</div>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
