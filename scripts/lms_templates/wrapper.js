/* The SCORM wrapper of the course (built by scripts/lms.py; docs/embedding.md, "Reporting to
 * your gradebook"). It runs inside the LMS, finds the LMS's SCORM API by the standard search
 * through parent and opener windows, embeds the hosted course, and writes what the course
 * reports to the LMS: score, completion and success status, interactions (SCORM 2004), and
 * the progress itself in suspend_data, which it gives back to the course on every launch.
 *
 * Messages with the course (window.postMessage), accepted only from the course site's origin
 * (CONFIG.origin) and only from the course frame:
 *   course -> wrapper {mfml: "ready", version: 1}
 *   course -> wrapper {mfml: "progress", version: 1, exercise, status, week, score, progress}
 *   wrapper -> course {mfml: "restore", version: 1, progress: {version: 1, exercises: {...}}}
 * Plain JavaScript, no dependency, nothing fetched but the course page.
 */
(function () {
  'use strict';

  var CONFIG = JSON.parse(document.getElementById('mfml-lms-config').textContent);
  var STATUSES = ['not_started', 'attempted', 'revealed', 'self_assessed', 'correct'];
  var RANK = {};
  STATUSES.forEach(function (s, i) { RANK[s] = i; });
  var DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
  var EPOCH = Date.UTC(2020, 0, 1); // suspend_data times are hours since this instant
  var KNOWN = {};
  CONFIG.exercises.forEach(function (id) { KNOWN[id] = true; });
  var AUTOMATIC = CONFIG.automatic;

  var state = {api: null, connected: false, held: {version: 1, exercises: {}}, ignored: 0,
               received: 0, restoresSent: 0, finished: false, interactions: {}, errors: []};

  // ---------------------------------------------------------------- the SCORM API search

  /* The ADL search: up the parents (at most 500 steps), then the opener's chain. A parent on
   * another origin cannot be read; the search stops there. */
  function searchUp(win, name) {
    for (var tries = 0; win && tries < 500; tries++) {
      try { if (win[name]) return win[name]; } catch (e) { return null; }
      if (!win.parent || win.parent === win) return null;
      win = win.parent;
    }
    return null;
  }

  function findApi(name) {
    var api = searchUp(window, name);
    if (!api) { try { if (window.opener) api = searchUp(window.opener, name); } catch (e) { api = null; } }
    if (!api) {
      try { if (window.top && window.top.opener) api = searchUp(window.top.opener, name); } catch (e) { api = null; }
    }
    return api;
  }

  var V2004 = CONFIG.scorm === '2004';
  var lms = {
    init: function () { return String(V2004 ? state.api.Initialize('') : state.api.LMSInitialize('')) === 'true'; },
    get: function (key) { return String((V2004 ? state.api.GetValue(key) : state.api.LMSGetValue(key)) || ''); },
    set: function (key, value) {
      var ok = String(V2004 ? state.api.SetValue(key, String(value)) : state.api.LMSSetValue(key, String(value))) === 'true';
      if (!ok) state.errors.push(key + '=' + value);
      return ok;
    },
    commit: function () { return V2004 ? state.api.Commit('') : state.api.LMSCommit(''); },
    finish: function () { return V2004 ? state.api.Terminate('') : state.api.LMSFinish(''); }
  };

  // ---------------------------------------------------------------- progress data

  function isCount(v) { return v === undefined || (Number.isInteger(v) && v >= 0); }

  /* The course's progress schema, version 1 (src/mfml/exercises/progress.py): a valid copy
   * of the exercises this package knows, or null. */
  function validate(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
    if (data.version !== undefined && data.version !== 1) return null;
    var exercises = data.exercises;
    if (!exercises || typeof exercises !== 'object' || Array.isArray(exercises)) return null;
    var out = {};
    var ids = Object.keys(exercises);
    for (var i = 0; i < ids.length; i++) {
      var r = exercises[ids[i]];
      if (!r || typeof r !== 'object' || Array.isArray(r)) return null;
      if (r.status !== undefined && !(r.status in RANK)) return null;
      if (!isCount(r.attempts) || !isCount(r.hints_used)) return null;
      if (r.revealed !== undefined && typeof r.revealed !== 'boolean') return null;
      if (r.last !== undefined && r.last !== null && typeof r.last !== 'string') return null;
      if (r.first !== undefined && r.first !== null && typeof r.first !== 'string') return null;
      if (KNOWN[ids[i]]) out[ids[i]] = r;
    }
    return {version: 1, exercises: out};
  }

  function mergeRecords(a, b) {
    a = a || {}; b = b || {};
    var sa = a.status || 'not_started', sb = b.status || 'not_started';
    var firsts = [a.first, b.first].filter(Boolean).sort();
    var lasts = [a.last, b.last].filter(Boolean).sort();
    return {
      status: (RANK[sb] || 0) > (RANK[sa] || 0) ? sb : sa,
      attempts: Math.max(a.attempts || 0, b.attempts || 0),
      hints_used: Math.max(a.hints_used || 0, b.hints_used || 0),
      revealed: Boolean(a.revealed) || Boolean(b.revealed),
      first: firsts.length ? firsts[0] : null,
      last: lasts.length ? lasts[lasts.length - 1] : null
    };
  }

  function merge(a, b) {
    var out = {};
    Object.keys(a.exercises).forEach(function (id) { out[id] = a.exercises[id]; });
    Object.keys(b.exercises).forEach(function (id) { out[id] = mergeRecords(out[id], b.exercises[id]); });
    return {version: 1, exercises: out};
  }

  // ---------------------------------------------------------------- suspend_data

  /* "m1:" then 7 characters per exercise of CONFIG.exercises, in that order: the status and
   * revealed flag (one digit, rank * 2 + revealed), attempts and hints (one base-36 digit
   * each, at most 35), and the latest event in hours since 2020-01-01 UTC (4 base-36 digits,
   * "0000" for none). Trailing untouched exercises are left out. */
  function encode(data) {
    var parts = CONFIG.exercises.map(function (id) {
      var r = data.exercises[id];
      if (!r) return '0000000';
      var flag = (RANK[r.status || 'not_started'] || 0) * 2 + (r.revealed ? 1 : 0);
      var hours = 0;
      if (r.last) {
        var t = Date.parse(r.last);
        if (!isNaN(t)) hours = Math.max(0, Math.min(36 * 36 * 36 * 36 - 1, Math.floor((t - EPOCH) / 3600000)));
      }
      var h = hours.toString(36);
      return String(flag) + DIGITS[Math.min(35, r.attempts || 0)] + DIGITS[Math.min(35, r.hints_used || 0)] +
        ('0000' + h).slice(-4);
    });
    while (parts.length && parts[parts.length - 1] === '0000000') parts.pop();
    return 'm1:' + parts.join('');
  }

  function decode(text) {
    var out = {version: 1, exercises: {}};
    if (typeof text !== 'string' || text.slice(0, 3) !== 'm1:') return out;
    var body = text.slice(3);
    for (var i = 0; i * 7 + 7 <= body.length && i < CONFIG.exercises.length; i++) {
      var chunk = body.slice(i * 7, i * 7 + 7);
      if (chunk === '0000000') continue;
      var flag = parseInt(chunk[0], 10), attempts = parseInt(chunk[1], 36), hints = parseInt(chunk[2], 36);
      var hours = parseInt(chunk.slice(3), 36);
      if (isNaN(flag) || flag > 9 || isNaN(attempts) || isNaN(hints) || isNaN(hours)) continue;
      out.exercises[CONFIG.exercises[i]] = {
        status: STATUSES[flag >> 1], revealed: Boolean(flag & 1), attempts: attempts, hints_used: hints,
        first: null, last: hours ? new Date(EPOCH + hours * 3600000).toISOString().replace('.000Z', '+00:00') : null
      };
    }
    return out;
  }

  // ---------------------------------------------------------------- reporting

  function score(data) {
    var done = AUTOMATIC.filter(function (id) {
      var r = data.exercises[id];
      return r && r.status === 'correct';
    }).length;
    var total = AUTOMATIC.length;
    return {done: done, total: total, scaled: total ? done / total : 0};
  }

  var RESULT = {attempted: 'incorrect', revealed: 'neutral', self_assessed: 'neutral', correct: 'correct'};

  /* The score as a percentage in both versions (raw 0 to 100, min 0, max 100): Moodle and
   * Open edX's SCORM block read raw as a percentage and ignore max. SCORM 2004 adds scaled
   * (0 to 1), completion and success status, and the exercises as interactions. */
  function report() {
    if (!state.connected || state.finished) return;
    var s = score(state.held);
    var passed = s.total > 0 && s.scaled >= CONFIG.threshold;
    var prefix = V2004 ? 'cmi.score.' : 'cmi.core.score.';
    lms.set(prefix + 'min', 0);
    lms.set(prefix + 'max', 100);
    lms.set(prefix + 'raw', Math.round(s.scaled * 100));
    if (V2004) {
      lms.set('cmi.score.scaled', Math.round(s.scaled * 10000) / 10000);
      lms.set('cmi.completion_status', passed ? 'completed' : 'incomplete');
      lms.set('cmi.success_status', passed ? 'passed' : 'unknown');
      CONFIG.exercises.forEach(function (id) {
        var r = state.held.exercises[id];
        if (!r || !RESULT[r.status]) return;
        var n = state.interactions[id];
        if (n === undefined) {
          n = Number(lms.get('cmi.interactions._count')) || 0;
          if (!lms.set('cmi.interactions.' + n + '.id', 'ex-' + id)) return;
          lms.set('cmi.interactions.' + n + '.type', 'other');
          state.interactions[id] = n;
        }
        lms.set('cmi.interactions.' + n + '.result', RESULT[r.status]);
      });
    } else {
      lms.set('cmi.core.lesson_status', passed ? 'passed' : 'incomplete');
    }
    lms.set('cmi.suspend_data', encode(state.held));
    lms.commit();
    showScore(s, passed);
  }

  function showScore(s, passed) {
    var node = document.getElementById('mfml-score');
    if (node) {
      node.textContent = s.total ? s.done + ' of ' + s.total + ' auto-checked exercises correct' +
        (passed ? ' (passed)' : '') : '';
    }
  }

  function finish() {
    if (!state.connected || state.finished) return;
    report();
    lms.set(V2004 ? 'cmi.exit' : 'cmi.core.exit', 'suspend');
    lms.commit();
    state.finished = true;
    lms.finish();
  }

  function connect() {
    state.api = findApi(V2004 ? 'API_1484_11' : 'API');
    if (!state.api) return false;
    try {
      if (!lms.init()) return false;
    } catch (e) { return false; }
    state.connected = true;
    state.held = merge(state.held, decode(lms.get('cmi.suspend_data')));
    if (V2004) {
      var count = Number(lms.get('cmi.interactions._count')) || 0;
      for (var n = 0; n < count; n++) {
        var id = lms.get('cmi.interactions.' + n + '.id');
        if (id.slice(0, 3) === 'ex-') state.interactions[id.slice(3)] = n;
      }
      if (lms.get('cmi.completion_status') === 'unknown' || lms.get('cmi.completion_status') === 'not attempted') {
        lms.set('cmi.completion_status', 'incomplete');
      }
    } else if (lms.get('cmi.core.lesson_status') === 'not attempted') {
      lms.set('cmi.core.lesson_status', 'incomplete');
    }
    showScore(score(state.held), false);
    return true;
  }

  // ---------------------------------------------------------------- the course frame

  var frame = null;

  function courseUrl(path) {
    return CONFIG.site + 'notebooks/index.html?path=' + path.split('/').map(encodeURIComponent).join('/');
  }

  function open(index) {
    var item = CONFIG.items[index];
    frame.src = courseUrl(item.path);
    frame.title = item.title;
    document.querySelectorAll('#mfml-items button').forEach(function (b, i) {
      b.setAttribute('aria-current', i === index ? 'page' : 'false');
    });
  }

  function onMessage(event) {
    var msg = event.data;
    var ours = msg && typeof msg === 'object' && typeof msg.mfml === 'string';
    if (!ours) return;
    if (event.origin !== CONFIG.origin || !frame || event.source !== frame.contentWindow) {
      state.ignored += 1;
      console.warn('mfml: ignored a message from ' + event.origin + ' (only the course at ' + CONFIG.origin + ' is heard)');
      return;
    }
    if (msg.version !== 1) { state.ignored += 1; console.warn('mfml: ignored a message of an unknown version'); return; }
    if (msg.mfml === 'ready') {
      frame.contentWindow.postMessage({mfml: 'restore', version: 1, progress: state.held}, CONFIG.origin);
      state.restoresSent += 1;
      return;
    }
    if (msg.mfml === 'progress') {
      var incoming = validate(msg.progress);
      if (!incoming) { state.ignored += 1; console.warn('mfml: ignored a malformed progress message'); return; }
      state.received += 1;
      state.held = merge(state.held, incoming);
      report();
      return;
    }
    state.ignored += 1;
  }

  function start() {
    frame = document.getElementById('mfml-course');
    var list = document.getElementById('mfml-items');
    CONFIG.items.forEach(function (item, i) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = item.title;
      b.addEventListener('click', function () { open(i); });
      li.appendChild(b);
      list.appendChild(li);
    });
    window.addEventListener('message', onMessage);
    if (!connect()) {
      var note = document.getElementById('mfml-note');
      note.hidden = false;
      note.textContent = 'No learning platform (SCORM ' + CONFIG.scorm + ' API) was found: this page works, ' +
        'but nothing is reported to a gradebook.';
    }
    window.addEventListener('pagehide', finish);
    window.addEventListener('beforeunload', finish);
    open(0);
  }

  // for the browser tests and the curious
  window.mfmlLms = {state: state, encode: encode, decode: decode, score: score, report: report,
                    finish: finish, config: CONFIG};

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
