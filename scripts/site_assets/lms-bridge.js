/* The course's side of the LMS wrapper (docs/embedding.md, "Reporting to your gradebook").
 *
 * Only when the page is framed. The learner's progress lives in the kernel (the exercise
 * engine's ProgressStore, src/mfml/exercises/progress.py): where the browser denies storage it
 * is only there, in memory. So after each execution or widget action the bridge asks the
 * kernel for it (a silent request whose output goes nowhere but here) and, when an exercise's
 * record changed, tells the parent page with window.postMessage:
 *
 *   {mfml: "ready", version: 1}                        once, when the bridge starts
 *   {mfml: "progress", version: 1, exercise: "1.4", status: "correct", week: 1,
 *    score: {done, total, scaled}, progress: {version: 1, exercises: {...}}}
 *
 * (score: the week's correct auto-checked exercises over all of them), sent only to the
 * parent's origin. It accepts from the parent (the same window and origin, nobody else) one
 * message {mfml: "restore", version: 1, progress: {version: 1, exercises: {...}}} in the
 * course's progress schema (version 1); it is validated (bad input is ignored with a console
 * warning, nothing is lost) and merged into the kernel's progress as an import is: the better
 * status and the larger counts of each record win. Plain JavaScript, no dependency.
 */
(function () {
  'use strict';

  if (window.parent === window) return; // not framed: nothing to talk to

  var ROOT = new URL('..', location.href).href;
  var STATUSES = ['not_started', 'attempted', 'revealed', 'self_assessed', 'correct'];
  var RANK = {};
  STATUSES.forEach(function (s, i) { RANK[s] = i; });
  var ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
  var MAX_EXERCISES = 5000;
  var MARK = 'MFML-LMS:';

  var state = {parentOrigin: parentOrigin(), restored: false, restoring: false, pending: null,
               ignored: 0, sent: 0, last: {}, course: null, kernel: null};
  var own = {}; // the bridge's own requests: their idle status triggers nothing
  var timer = null, busy = false, again = false;

  /* The embedding page's origin: Chrome and Safari say it (ancestorOrigins); elsewhere the
   * referrer of the first load, when it is another site. Unknown: nothing is sent. */
  function parentOrigin() {
    try {
      if (location.ancestorOrigins && location.ancestorOrigins.length) return location.ancestorOrigins[0];
    } catch (e) { /* not offered */ }
    try {
      if (document.referrer) {
        var origin = new URL(document.referrer).origin;
        if (origin && origin !== 'null' && origin !== location.origin) return origin;
      }
    } catch (e) { /* no referrer */ }
    return null;
  }

  function post(message) {
    if (!state.parentOrigin || state.parentOrigin === 'null') return;
    window.parent.postMessage(message, state.parentOrigin);
    state.sent += 1;
  }

  function warn(text) {
    state.ignored += 1;
    console.warn('mfml: ' + text);
  }

  // ---------------------------------------------------------------- the progress schema

  function isCount(v) { return v === undefined || (Number.isInteger(v) && v >= 0 && v < 1e6); }
  function isDate(v) { return v === undefined || v === null || (typeof v === 'string' && v.length <= 40); }

  /* Version 1 of the progress schema; a clean copy, or an Error saying what is wrong. */
  function validate(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return new Error('not an object');
    if (data.version !== undefined && data.version !== 1) return new Error('unknown version ' + data.version);
    var exercises = data.exercises;
    if (!exercises || typeof exercises !== 'object' || Array.isArray(exercises)) return new Error('no "exercises" object');
    var ids = Object.keys(exercises);
    if (ids.length > MAX_EXERCISES) return new Error('too many exercises');
    var out = {};
    for (var i = 0; i < ids.length; i++) {
      var id = ids[i], r = exercises[id];
      if (!ID.test(id)) return new Error('bad exercise id ' + JSON.stringify(id).slice(0, 50));
      if (!r || typeof r !== 'object' || Array.isArray(r)) return new Error(id + ' is not a record');
      if (r.status !== undefined && !(r.status in RANK)) return new Error(id + ': unknown status');
      if (!isCount(r.attempts) || !isCount(r.hints_used)) return new Error(id + ': counts must be whole numbers');
      if (r.revealed !== undefined && typeof r.revealed !== 'boolean') return new Error(id + ': "revealed" must be true or false');
      if (!isDate(r.first) || !isDate(r.last)) return new Error(id + ': bad date');
      out[id] = {status: r.status || 'not_started', attempts: r.attempts || 0, hints_used: r.hints_used || 0,
                 revealed: Boolean(r.revealed), first: r.first || null, last: r.last || null};
    }
    return {version: 1, exercises: out};
  }

  // ---------------------------------------------------------------- the kernel

  function panel() {
    var app = window.jupyterapp;
    var widget = app && app.shell && app.shell.currentWidget;
    return widget && widget.sessionContext ? widget : null;
  }

  /* Run code silently in the notebook's kernel; what it prints after MARK comes back. */
  function ask(kernel, code) {
    return new Promise(function (resolve, reject) {
      var out = '';
      var future = kernel.requestExecute({code: code, silent: false, store_history: false,
                                          allow_stdin: false, stop_on_error: false});
      own[future.msg.header.msg_id] = true;
      future.onIOPub = function (msg) {
        if (msg.header.msg_type === 'stream') out += msg.content.text;
        if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
      };
      future.done.then(function () {
        var at = out.lastIndexOf(MARK);
        if (at < 0) { reject(new Error(out || 'no answer from the kernel')); return; }
        resolve(out.slice(at + MARK.length).trim());
      }, reject);
    });
  }

  function b64(text) {
    var bytes = new TextEncoder().encode(text), binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }
  function unb64(text) {
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }

  var READ = [
    'def _mfml_lms_read():',
    '    import base64, json, sys',
    '    handle = sys.modules.get("mfml.exercises.handle")',
    '    data = handle.progress_store().data() if handle else {"version": 1, "exercises": {}}',
    '    print("' + MARK + '" + base64.b64encode(json.dumps(data).encode()).decode())',
    '_mfml_lms_read()',
    'del _mfml_lms_read'
  ].join('\n');

  function restoreCode(data) {
    return [
      'def _mfml_lms_restore(text):',
      '    import base64, os, tempfile',
      '    from mfml.exercises.handle import progress_store',
      '    path = os.path.join(tempfile.mkdtemp(), "restore.json")',
      '    with open(path, "wb") as f:',
      '        f.write(base64.b64decode(text))',
      '    count = progress_store().import_(path)',
      '    os.remove(path)',
      '    print("' + MARK + '%d" % count)',
      '_mfml_lms_restore("' + b64(JSON.stringify(data)) + '")',
      'del _mfml_lms_restore'
    ].join('\n');
  }

  async function courseData() {
    if (state.course) return state.course;
    try {
      var response = await fetch(ROOT + 'course.json', {cache: 'no-cache'});
      var course = await response.json();
      var week = {}, auto = {};
      course.chapters.forEach(function (c) { c.exercises.forEach(function (id) { week[id] = c.week; }); });
      if (course.capstone && course.capstone.week) {
        (course.capstone.exercises || []).forEach(function (id) { week[id] = course.capstone.week; });
      }
      course.exercises.forEach(function (e) { if (e.automatic) auto[e.id] = true; });
      state.course = {week: week, auto: auto};
    } catch (e) {
      state.course = {week: {}, auto: {}};
    }
    return state.course;
  }

  function weekScore(course, week, exercises) {
    var done = 0, total = 0;
    Object.keys(course.week).forEach(function (id) {
      if (course.week[id] !== week || !course.auto[id]) return;
      total += 1;
      if (exercises[id] && exercises[id].status === 'correct') done += 1;
    });
    return {done: done, total: total, scaled: total ? done / total : 0};
  }

  async function check() {
    var p = panel();
    var kernel = p && p.sessionContext.session && p.sessionContext.session.kernel;
    if (!kernel) return;
    if (state.pending && !state.restoring) await restore(kernel);
    var answer = await ask(kernel, READ);
    var data = validate(JSON.parse(unb64(answer)));
    if (data instanceof Error) return;
    var course = await courseData();
    Object.keys(data.exercises).sort().forEach(function (id) {
      var record = data.exercises[id];
      var text = JSON.stringify(record);
      if (state.last[id] === text) return;
      state.last[id] = text;
      var week = course.week[id] || null;
      post({mfml: 'progress', version: 1, exercise: id, status: record.status, week: week,
            score: week ? weekScore(course, week, data.exercises) : null, progress: data});
    });
  }

  async function restore(kernel) {
    var data = state.pending;
    state.restoring = true;
    try {
      var answer = await ask(kernel, restoreCode(data));
      state.pending = null;
      state.restored = Number(answer);
    } catch (e) {
      console.warn('mfml: the saved progress could not be restored: ' + (e.message || e));
      state.pending = null;
    } finally {
      state.restoring = false;
    }
  }

  function schedule(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delay === undefined ? 300 : delay);
  }

  async function run() {
    timer = null;
    if (busy) { again = true; return; }
    busy = true;
    try { await check(); } catch (e) { /* the kernel is busy or restarting: next time */ }
    busy = false;
    if (again) { again = false; schedule(); }
  }

  function watch(kernel) {
    if (!kernel || state.kernel === kernel) return;
    state.kernel = kernel;
    kernel.iopubMessage.connect(function (_, msg) {
      if (msg.header.msg_type !== 'status' || msg.content.execution_state !== 'idle') return;
      var parent = msg.parent_header && msg.parent_header.msg_id;
      if (parent && own[parent]) return;
      schedule();
    });
    if (state.pending) schedule(0);
  }

  function track() {
    var p = panel();
    if (!p) { setTimeout(track, 250); return; }
    var ctx = p.sessionContext;
    ctx.kernelChanged.connect(function (_, change) { watch(change.newValue); });
    ctx.ready.then(function () { watch(ctx.session && ctx.session.kernel); });
    if (ctx.session && ctx.session.kernel) watch(ctx.session.kernel);
  }

  // ---------------------------------------------------------------- messages from the parent

  window.addEventListener('message', function (event) {
    var msg = event.data;
    if (!msg || typeof msg !== 'object' || typeof msg.mfml !== 'string') return;
    if (event.source !== window.parent || event.origin !== state.parentOrigin) {
      warn('ignored a message from ' + event.origin + ': only the embedding page is heard');
      return;
    }
    if (msg.mfml !== 'restore') return;
    if (msg.version !== 1) { warn('ignored a restore message of version ' + msg.version); return; }
    if (state.restored !== false || state.pending || state.restoring) {
      warn('ignored a second restore message');
      return;
    }
    var data = validate(msg.progress);
    if (data instanceof Error) { warn('ignored a malformed restore message (' + data.message + ')'); return; }
    if (!Object.keys(data.exercises).length) { state.restored = 0; return; } // nothing saved yet
    state.pending = data;
    if (state.kernel) schedule(0);
  });

  window.mfmlLmsBridge = {state: state, validate: validate, check: run};

  post({mfml: 'ready', version: 1});
  track();
})();
