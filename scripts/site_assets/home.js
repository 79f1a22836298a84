/* The course home page's script: the learner's progress (read from the same browser storage
 * the notebooks write), export and import of that progress, the embed snippets, and the
 * offline download's size. Plain JavaScript, no dependency, nothing fetched from elsewhere.
 *
 * Also from that storage: what the learner did (my-work/activity.json, written by the course
 * bar, notebook.js: notebooks opened, chapters run to the end), shown as "Continue where you
 * left off", marks beside each chapter and lab and a line per week; and the learner's copies
 * (every notebook under my-work/ but backups), listed under "Your copies" and marked beside
 * the course notebook they were made from.
 *
 * Where the progress is: JupyterLite keeps the learner's files with localforage in IndexedDB,
 * database = contentsStorageName (jupyter-lite.json), object store "files", key = the path
 * ("my-work/progress.json"), value = a contents model {name, path, type: "file", format,
 * content, mimetype, size, created, last_modified, writable}. The Pyodide kernel writes the
 * file with format "base64"; "text" (a string) and "json" (an object) are read as well.
 */
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('mfml-home-data').textContent);
  var STORE = 'files';
  var FOLDER = 'my-work';
  var KEY = FOLDER + '/progress.json';
  var ACTIVITY = FOLDER + '/activity.json';
  var STATUSES = ['not_started', 'attempted', 'revealed', 'self_assessed', 'correct'];
  var RANK = {};
  STATUSES.forEach(function (s, i) { RANK[s] = i; });
  var DONE = DATA.done || ['correct', 'self_assessed'];

  function $(id) { return document.getElementById(id); }

  function say(id, text, kind) {
    var node = $(id);
    if (!node) return;
    node.textContent = text;
    node.className = 'notice' + (kind ? ' ' + kind : '');
  }

  // ---------------------------------------------------------------- IndexedDB

  function storageAvailable() {
    try { return typeof indexedDB !== 'undefined' && indexedDB !== null; } catch (e) { return false; }
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  /* Open the contents database. Reading never creates it (a fresh browser has no progress);
   * writing creates it, or its "files" store, as localforage would. */
  function openDb(create) {
    return new Promise(function (resolve, reject) {
      var req;
      try { req = indexedDB.open(DATA.storage); } catch (e) { reject(e); return; }
      var fresh = false;
      req.onupgradeneeded = function (event) {
        if (!create) { fresh = true; req.transaction.abort(); return; }
        var db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
        if (event.oldVersion <= 1 && !db.objectStoreNames.contains('local-forage-detect-blob-support')) {
          db.createObjectStore('local-forage-detect-blob-support');
        }
      };
      req.onblocked = function () { reject(new Error('the course is being updated in another tab; try again')); };
      req.onerror = function (event) {
        if (fresh) { event.preventDefault(); resolve(null); } else reject(req.error);
      };
      req.onsuccess = function () {
        var db = req.result;
        db.onversionchange = function () { db.close(); }; // never hold up the notebooks' upgrades
        if (db.objectStoreNames.contains(STORE)) { resolve(db); return; }
        var version = db.version + 1;
        db.close();
        if (!create) { resolve(null); return; }
        var again = indexedDB.open(DATA.storage, version);
        again.onupgradeneeded = function () { again.result.createObjectStore(STORE); };
        again.onsuccess = function () {
          again.result.onversionchange = function () { again.result.close(); };
          resolve(again.result);
        };
        again.onerror = function () { reject(again.error); };
      };
    });
  }

  function utf8ToBase64(text) {
    var bytes = new TextEncoder().encode(text), binary = '';
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function base64ToUtf8(b64) {
    var binary = atob(b64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder('utf-8').decode(bytes);
  }

  /* The stored model's content as JSON data, whatever format it was saved in. */
  function modelToData(model) {
    var content = model.content;
    if (content === null || content === undefined || content === '') return emptyProgress();
    if (model.format === 'base64') return JSON.parse(base64ToUtf8(content));
    if (typeof content === 'string') return JSON.parse(content);
    return content; // format "json": already an object
  }

  function dataToContent(format, data) {
    var text = JSON.stringify(sortKeys(data), null, 1);
    if (format === 'json') return {content: sortKeys(data), size: new TextEncoder().encode(text).length};
    if (format === 'text') return {content: text, size: new TextEncoder().encode(text).length};
    return {content: utf8ToBase64(text), size: new TextEncoder().encode(text).length};
  }

  function sortKeys(value) {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).sort().forEach(function (k) { out[k] = sortKeys(value[k]); });
      return out;
    }
    return value;
  }

  function emptyProgress() { return {version: 1, exercises: {}}; }

  /* {data, model} from storage; data is empty when there is no progress yet. */
  async function readProgress() {
    var db = await openDb(false);
    if (!db) return {data: emptyProgress(), model: null};
    try {
      var tx = db.transaction(STORE, 'readonly');
      var model = await request(tx.objectStore(STORE).get(KEY));
      if (!model) return {data: emptyProgress(), model: null};
      if (model.content instanceof Blob) model = Object.assign({}, model, {content: await model.content.text()});
      return {data: validate(modelToData(model)), model: model};
    } finally {
      db.close();
    }
  }

  // The activity file's rules and merge: scripts/site_assets/activity.js (shared with notebook.js).
  var ACT = window.mfmlActivity;
  var MAX_OPENS = ACT.MAX_OPENS, activityKey = ACT.isKey, isoUtc = ACT.isoUtc;
  var emptyActivity = ACT.empty;
  function isDate(v) { return v === undefined || v === null || isoUtc(v); }

  /* The stored activity, read leniently (activity.js): a bad record is left out, a count
   * capped, the rest kept; no "notebooks" object: none. */
  function validActivity(data) { return ACT.parse(data, false) || emptyActivity(); }

  /* {activity, copies}: my-work/activity.json and every notebook under my-work/ (backups
   * aside), newest first, each {path, last_modified}. Nothing stored: both empty. */
  async function readWork() {
    var out = {activity: emptyActivity(), copies: []};
    var db = await openDb(false);
    if (!db) return out;
    try {
      var store = db.transaction(STORE, 'readonly').objectStore(STORE);
      var model = await request(store.get(ACTIVITY));
      if (model) {
        if (model.content instanceof Blob) model = Object.assign({}, model, {content: await model.content.text()});
        try { out.activity = validActivity(modelToData(model)); } catch (e) { /* unreadable: none */ }
      }
      var range = IDBKeyRange.bound(FOLDER + '/', FOLDER + '/\uffff');
      var keys = await request(store.getAllKeys(range));
      for (var i = 0; i < keys.length; i++) {
        var key = String(keys[i]);
        if (!/\.ipynb$/i.test(key) || key.indexOf(FOLDER + '/backups/') === 0) continue;
        var item = await request(store.get(key));
        if (item && item.type === 'notebook') out.copies.push({path: key, last_modified: item.last_modified});
      }
      out.copies.sort(function (a, b) { return String(b.last_modified).localeCompare(String(a.last_modified)); });
    } finally {
      db.close();
    }
    return out;
  }

  /* Write progress back as the kernel does: the file my-work/progress.json, in the format the
   * stored file already had (base64 for a new one), and the my-work folder if missing. */
  /* An import: the merged exercises (my-work/progress.json, format as stored, base64 for a
   * new one, as the kernel writes) and, if the file has any, the merged reading activity
   * (my-work/activity.json, text for a new one, as the course bar writes it), both in ONE
   * IndexedDB transaction: either both are written or neither (ux review follow-up: writing
   * the progress first and then failing on the activity said "unchanged" when it was not).
   * Each is merged with what the transaction reads, so a notebook tab's write in between is
   * never lost; a stored value that is a Blob (not readable inside a transaction) is merged
   * with what was read just before. */
  async function importMerge(incoming) {
    var before = await readProgress(), work = incoming.activity ? await readWork() : null;
    var entries = [{key: KEY, name: 'progress.json', fresh: 'base64', update: function (old) {
      var mine = before.data;
      if (old && !(old.content instanceof Blob)) mine = validate(modelToData(old), false);
      return mergeProgress(mine, incoming.progress);
    }}];
    if (work) {
      entries.push({key: ACTIVITY, name: 'activity.json', fresh: 'text', update: function (old) {
        var mine = work.activity;
        if (old && !(old.content instanceof Blob)) {
          try { mine = validActivity(modelToData(old)); } catch (e) { mine = work.activity; }
        }
        return mergeActivity(mine, incoming.activity);
      }});
    }
    return writeJson(entries);
  }

  /* entries: [{key, name, update(old stored model or null) -> the data to store, fresh}],
   * written in one transaction (all or none); the format each stored file already had is
   * kept (a new one: `fresh`). */
  async function writeJson(entries) {
    var db = await openDb(true);
    try {
      var tx = db.transaction(STORE, 'readwrite');
      var done = new Promise(function (resolve, reject) {
        tx.oncomplete = resolve;
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error('the write was aborted')); };
      });
      done.catch(function () { return null; }); // awaited below; never unhandled
      var store = tx.objectStore(STORE);
      var now = new Date().toISOString();
      try {
        var results = await Promise.all([request(store.get(FOLDER))].concat(
          entries.map(function (e) { return request(store.get(e.key)); })));
        var folder = results[0];
        var models = entries.map(function (entry, i) { // every update first: nothing put yet
          var old = results[i + 1];
          var format = old && ['base64', 'text', 'json'].indexOf(old.format) >= 0 ? old.format : entry.fresh;
          var encoded = dataToContent(format, entry.update(old));
          return Object.assign(
            {name: entry.name, path: entry.key, created: now, mimetype: 'application/json',
             writable: true, type: 'file'},
            old || {},
            {format: format, content: encoded.content, size: encoded.size, last_modified: now}
          );
        });
        if (!folder) {
          store.put({name: FOLDER, path: FOLDER, last_modified: now, created: now, format: 'json',
                     mimetype: 'application/json', content: [], size: 0, writable: true,
                     type: 'directory'}, FOLDER);
        }
        models.forEach(function (model) { store.put(model, model.path); });
      } catch (error) {
        try { tx.abort(); } catch (e) { /* already finished */ }
        throw error;
      }
      await done;
    } finally {
      db.close();
    }
  }

  // ---------------------------------------------------------------- the progress schema

  function fail(message) { var e = new Error(message); e.invalid = true; throw e; }

  function isCount(v) { return v === undefined || (Number.isInteger(v) && v >= 0); }

  /* Version 1 (src/mfml/exercises/progress.py); a bad file raises with a message. */
  function validate(data, strict) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) fail('it is not a progress file (not a JSON object).');
    var version = data.version === undefined ? 1 : data.version;
    if (version !== 1) {
      fail(typeof version === 'number' && version > 1
        ? 'it was saved by a newer version of the course (progress format ' + version + ').'
        : 'its "version" is not 1.');
    }
    var exercises = data.exercises;
    if (!exercises || typeof exercises !== 'object' || Array.isArray(exercises)) {
      fail('it is not a progress file (no "exercises" object).');
    }
    Object.keys(exercises).forEach(function (id) {
      var r = exercises[id];
      var where = 'exercise "' + id + '"';
      if (!r || typeof r !== 'object' || Array.isArray(r)) fail(where + ' is not a record.');
      if (r.status !== undefined && !Object.prototype.hasOwnProperty.call(RANK, r.status)) fail(where + ' has an unknown status "' + r.status + '".');
      if (!isCount(r.attempts) || !isCount(r.hints_used)) fail(where + ': attempts and hints_used must be whole numbers.');
      if (r.revealed !== undefined && typeof r.revealed !== 'boolean') fail(where + ': "revealed" must be true or false.');
      ['first', 'last'].forEach(function (k) {
        if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') fail(where + ': "' + k + '" must be a date.');
        // an imported date must be a real UTC time, not in the future: it would win for ever
        if (strict && !isDate(r[k])) fail(where + ': "' + k + '" is not a UTC date and time (such as 2026-01-05T10:00:00Z) in the past.');
      });
    });
    return {version: 1, exercises: exercises};
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

  function mergeProgress(a, b) {
    var out = Object.create(null);
    Object.keys(a.exercises).forEach(function (id) { out[id] = a.exercises[id]; });
    Object.keys(b.exercises).forEach(function (id) { out[id] = mergeRecords(out[id], b.exercises[id]); });
    return {version: 1, exercises: out};
  }

  /* The reading activity (my-work/activity.json, version 1, written by the course bar):
   * {"version": 1, "notebooks": {path: {first, last, opens, ran_to_end}}}. A bad one raises. */
  function validateActivity(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) fail('its "activity" is not an object.');
    var version = data.version === undefined ? 1 : data.version;
    if (version !== 1) {
      fail(typeof version === 'number' && version > 1
        ? 'its reading activity was saved by a newer version of the course (activity format ' + version + ').'
        : 'its activity "version" is not 1.');
    }
    var notebooks = data.notebooks;
    if (!notebooks || typeof notebooks !== 'object' || Array.isArray(notebooks)) {
      fail('its "activity" has no "notebooks" object.');
    }
    Object.keys(notebooks).forEach(function (path) {
      var r = notebooks[path], where = 'the activity of "' + path + '"';
      if (!r || typeof r !== 'object' || Array.isArray(r)) fail(where + ' is not a record.');
      if (!activityKey(path)) fail('"' + path + '" in its activity is not a course notebook (chapters/, labs/ or exercises/, ending in .ipynb).');
      if (!isCount(r.opens) || r.opens > MAX_OPENS) fail(where + ': "opens" must be a whole number up to ' + MAX_OPENS + '.');
      ['first', 'last', 'ran_to_end'].forEach(function (k) {
        if (!isDate(r[k])) fail(where + ': "' + k + '" is not a UTC date and time (such as 2026-01-05T10:00:00Z) in the past.');
      });
    });
    return {version: 1, notebooks: notebooks};
  }

  // Record by record, as the course bar merges an imported zip (activity.js).
  var mergeActivity = ACT.merge;


  /* The exported file. Export format 2 (this version): the exercise records exactly as
   * progress.json holds them (top-level "version": 1, "exercises"), plus "export": 2 and
   * "activity" (activity.json's own {"version": 1, "notebooks"}). Format 1 (older exports,
   * and progress.json itself) has no "export" key and no activity: it still imports. Readers
   * that know only format 1 (an older home page, mfml.exercises.import_progress) import the
   * exercises of a format 2 file and ignore the rest. */
  var EXPORT_FORMAT = 2;
  function parseExport(data) {
    var format = data && typeof data === 'object' && data.export !== undefined ? data.export : 1;
    if (!Number.isInteger(format) || format < 1) fail('its "export" format is not a whole number.');
    if (format > EXPORT_FORMAT) fail('it was saved by a newer version of the course (export format ' + format + ').');
    var progress = validate(data, true);
    var activity = data.activity === undefined || data.activity === null
      ? null : validateActivity(data.activity);
    return {format: format, progress: progress, activity: activity};
  }

  // ---------------------------------------------------------------- showing progress

  function isDone(record) { return Boolean(record) && DONE.indexOf(record.status) >= 0; }

  function setMeter(selector, done, total) {
    document.querySelectorAll(selector).forEach(function (node) {
      var pct = total ? Math.round((100 * done) / total) : 0;
      node.textContent = total ? pct + '%' : '–';
      node.classList.toggle('none', !total);
      node.dataset.done = done;
      node.dataset.total = total;
      var meter = node.closest('.meter');
      if (meter) {
        meter.title = total ? done + ' of ' + total + ' exercises done' : 'no exercises yet';
        var bar = meter.querySelector('.bar i');
        if (bar) bar.style.width = pct + '%';
      }
    });
  }

  function show(progress) {
    var records = progress.exercises || {};
    var doneIn = {}, all = 0, allDone = 0;
    Object.keys(DATA.chapters).forEach(function (n) {
      var ids = DATA.chapters[n];
      var done = ids.filter(function (id) { return isDone(records[id]); }).length;
      doneIn[n] = done;
      all += ids.length;
      allDone += done;
      setMeter('[data-chapter-progress="' + n + '"]', done, ids.length);
      document.querySelectorAll('[data-chapter-done="' + n + '"]').forEach(function (node) {
        node.textContent = done;
      });
    });
    Object.keys(DATA.weeks).forEach(function (w) {
      var done = 0, total = 0;
      DATA.weeks[w].forEach(function (n) {
        var ids = DATA.chapters[String(n)] || [];
        total += ids.length;
        done += doneIn[String(n)] || 0;
      });
      setMeter('[data-week-progress="' + w + '"]', done, total);
    });
    document.querySelectorAll('[data-total-done]').forEach(function (node) { node.textContent = allDone; });
    var summary = $('progress-summary');
    if (summary) {
      var tried = Object.keys(records).filter(function (id) {
        return records[id] && records[id].status && records[id].status !== 'not_started';
      }).length;
      summary.textContent = allDone || tried
        ? 'You have done ' + allDone + ' of ' + all + ' exercises (' + Math.round((100 * allDone) / (all || 1)) +
          '%), and tried ' + tried + '. Your progress is kept by this browser, for this site only.'
        : 'No progress yet: check an exercise in an exercise set and it shows here. Your progress is kept by this browser, for this site only.';
    }
  }

  // ---------------------------------------------------------------- activity and copies

  function when(iso) {
    var d = new Date(iso), now = new Date();
    if (!iso || isNaN(d.getTime())) return '';
    if (d.toDateString() === now.toDateString()) {
      return 'today ' + d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
    }
    var options = {day: 'numeric', month: 'short'};
    if (d.getFullYear() !== now.getFullYear()) options.year = 'numeric';
    return d.toLocaleDateString([], options);
  }

  function viewUrl(path) {
    return 'notebooks/index.html?path=' + path.split('/').map(encodeURIComponent).join('/');
  }

  function node(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text) n.textContent = text;
    return n;
  }

  function label(path) {
    var item = DATA.items && DATA.items[path];
    return item ? item.label : path;
  }

  function showWork(work) {
    currentWork = work;
    var records = work.activity.notebooks;
    var copyOf = {};
    work.copies.forEach(function (c) { copyOf[c.path.slice(FOLDER.length + 1)] = c; });
    // beside each chapter and lab: opened, run to the end, your copy
    document.querySelectorAll('[data-marks]').forEach(function (box) {
      var path = box.dataset.marks, r = records[path], item = DATA.items[path] || {};
      box.textContent = '';
      if (r && r.ran_to_end && item.kind === 'chapter') {
        box.appendChild(node('span', {'class': 'mark', 'data-mark': 'ran', title: 'Every cell ran'}, 'ran \u2713'));
      } else if (r && r.opens) {
        box.appendChild(node('span', {'class': 'mark', 'data-mark': 'opened', title: 'Opened ' + when(r.last)}, 'opened'));
      }
      if (copyOf[path]) {
        box.appendChild(node('a', {'class': 'mark copy', 'data-mark': 'copy', href: viewUrl(copyOf[path].path),
          title: 'Open your copy (saved ' + when(copyOf[path].last_modified) + ')'}, 'your copy'));
      }
    });
    // per week: chapters opened and run, labs opened
    var opened = 0, ran = 0, labsOpened = 0, chapterCount = 0, labCount = 0;
    Object.keys(DATA.week_notebooks || {}).forEach(function (w) {
      var week = DATA.week_notebooks[w], parts = [];
      var o = week.chapters.filter(function (p) { return records[p] && records[p].opens; }).length;
      var r = week.chapters.filter(function (p) { return records[p] && records[p].ran_to_end; }).length;
      var l = week.labs.filter(function (p) { return records[p] && records[p].opens; }).length;
      opened += o; ran += r; labsOpened += l;
      chapterCount += week.chapters.length; labCount += week.labs.length;
      if (o || l) {
        parts.push('chapters opened ' + o + '/' + week.chapters.length + ', run ' + r + '/' + week.chapters.length);
        if (week.labs.length) parts.push('labs opened ' + l + '/' + week.labs.length);
      }
      document.querySelectorAll('[data-week-activity="' + w + '"]').forEach(function (n) {
        n.textContent = parts.length ? 'Read: ' + parts.join('; ') : '';
        n.dataset.opened = o; n.dataset.ran = r; n.dataset.labs = l;
      });
    });
    var summary = $('activity-summary');
    if (summary) {
      summary.textContent = opened || labsOpened
        ? 'Read: ' + opened + ' of ' + chapterCount + ' chapters opened, ' + ran + ' run to the end; ' +
          labsOpened + ' of ' + labCount + ' labs opened.'
        : '';
    }
    showContinue(records, copyOf);
    showCopies(work.copies);
  }

  // The last course notebook opened (the learner's copy if there is one) and what comes next.
  function showContinue(records, copyOf) {
    var box = $('continue');
    if (!box) return;
    var last = null;
    Object.keys(records).forEach(function (path) {
      if (!DATA.items[path] || !records[path].last) return;
      if (!last || records[path].last > records[last].last) last = path;
    });
    box.textContent = '';
    if (!last) { box.hidden = true; return; }
    box.appendChild(node('b', {}, 'Continue where you left off'));
    var mine = copyOf[last];
    var link = node('a', {href: viewUrl(mine ? mine.path : last), id: 'continue-link',
      'data-path': last}, label(last) + (mine ? ' (your copy)' : ''));
    box.appendChild(link);
    box.appendChild(node('span', {'class': 'small'}, ' \u00b7 opened ' + when(records[last].last)));
    var next = DATA.items[last].next;
    if (next) {
      var p = node('span', {'class': 'small', style: 'display:block'}, 'Next: ');
      p.appendChild(node('a', {href: viewUrl(copyOf[next] ? copyOf[next].path : next), id: 'continue-next',
        'data-path': next}, label(next)));
      box.appendChild(p);
    }
    box.hidden = false;
  }

  function showCopies(copies) {
    var list = $('copy-list'), summary = $('copies-summary');
    if (!list) return;
    list.textContent = '';
    copies.forEach(function (c) {
      var course = c.path.slice(FOLDER.length + 1);
      var li = node('li', {'data-copy': c.path});
      li.appendChild(node('a', {href: viewUrl(c.path)}, DATA.items[course] ? label(course) : c.path));
      li.appendChild(node('span', {'class': 'small'}, ' \u00b7 ' + c.path + ', saved ' + when(c.last_modified)));
      list.appendChild(li);
    });
    if (summary && copies.length) {
      summary.textContent = 'Your ' + (copies.length === 1 ? 'copy' : copies.length + ' copies') +
        ', kept in this browser (newest first). "Download my work" in a notebook\'s course bar ' +
        'saves them all as one zip.';
    }
  }

  var storageOk = storageAvailable();
  var current = emptyProgress();
  var currentWork = {activity: emptyActivity(), copies: []};

  async function refresh() {
    if (!storageOk) { show(current); document.body.dataset.progress = 'unavailable'; return; }
    try {
      current = (await readProgress()).data;
      show(current);
      try { showWork(await readWork()); } catch (e) { /* the exercises still show */ }
      document.body.dataset.progress = 'ready';
    } catch (error) {
      show(emptyProgress());
      if (error && error.invalid) {
        say('storage-note', 'Your stored progress file could not be read: ' + error.message +
            ' Importing a good export merges into it.', 'warn');
      } else {
        cannotStore(error);
      }
      document.body.dataset.progress = 'error';
    }
  }

  function cannotStore(error) {
    storageOk = false;
    say('storage-note', 'Progress cannot be read here: this browser does not give this page ' +
        'storage (for example inside an embedded frame, or in some private windows)' +
        (error && error.name ? ' (' + error.name + ')' : '') + '. Open the course in its own tab to see your progress.',
        'warn');
    var link = document.createElement('a');
    link.href = location.href.split('#')[0];
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = ' Open in a new tab.';
    $('storage-note').appendChild(link);
  }

  // ---------------------------------------------------------------- export and import

  function stamp() { return new Date().toISOString().slice(0, 10); }

  async function exportProgress() {
    var data = current, activity = currentWork.activity;
    if (storageOk) {
      try { data = (await readProgress()).data; } catch (e) { /* export what is shown */ }
      try { activity = (await readWork()).activity; } catch (e) { /* export what is shown */ }
    }
    var text = JSON.stringify(sortKeys({version: 1, exercises: data.exercises, export: EXPORT_FORMAT,
      activity: activity}), null, 1) + '\n';
    var blob = new Blob([text], {type: 'application/json'});
    var url = URL.createObjectURL(blob);
    var a = document.createElement('a');
    a.href = url;
    a.download = 'mfml-progress-' + stamp() + '.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    var n = Object.keys(data.exercises).length, m = Object.keys(activity.notebooks).length;
    say('progress-message', n || m
      ? 'Saved ' + a.download + ' (' + n + ' exercise' + (n === 1 ? '' : 's') + ', ' + m +
        ' notebook' + (m === 1 ? '' : 's') + ' opened).'
      : 'Saved ' + a.download + ', but it is empty: no exercise has been checked and no ' +
        'notebook opened in this browser yet.',
      n || m ? 'ok' : 'warn');
  }

  async function importProgress(file) {
    var incoming;
    try {
      var text = await file.text();
      try { incoming = JSON.parse(text); } catch (e) { fail('it is not valid JSON.'); }
      incoming = parseExport(incoming);
    } catch (error) {
      say('progress-message', 'Could not import "' + file.name + '": ' +
          (error.invalid ? error.message : String(error)) + ' Your progress is unchanged.', 'error');
      return;
    }
    if (!storageOk) {
      say('progress-message', 'Cannot import here: this page has no storage. Open the course in its own tab and import there.', 'error');
      return;
    }
    try {
      await importMerge(incoming); // the exercises and the activity: both or neither
      current = (await readProgress()).data;
      show(current);
      try { showWork(await readWork()); } catch (e) { /* the exercises still show */ }
      var n = Object.keys(incoming.progress.exercises).length;
      var m = incoming.activity ? Object.keys(incoming.activity.notebooks).length : 0;
      say('progress-message', 'Imported "' + file.name + '": ' + n + ' exercise' + (n === 1 ? '' : 's') +
          (incoming.activity ? ' and the reading of ' + m + ' notebook' + (m === 1 ? '' : 's') : '') +
          ' merged into your progress (the better result of each was kept' +
          (incoming.activity ? '; for reading, the earliest first visit, the latest visit and the most opens' : '') +
          ').', 'ok');
    } catch (error) {
      say('progress-message', 'Could not import "' + file.name + '": ' + (error.message || error) +
          '. Your progress is unchanged.', 'error');
    }
  }

  // ---------------------------------------------------------------- embedding

  function absolute(path) {
    return new URL('notebooks/index.html?path=' + encodeURIComponent(path).replace(/%2F/g, '/'),
                   document.baseURI).href;
  }

  function escapeAttr(text) {
    return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  }

  function snippet(url, title) {
    return '<iframe src="' + escapeAttr(url) + '" title="' + escapeAttr(title) + '" width="100%" ' +
      'height="800" style="border:0" allow="fullscreen; clipboard-read; clipboard-write" ' +
      'allowfullscreen loading="lazy"></iframe>';
  }

  function updateEmbed() {
    var select = $('embed-select');
    if (!select || !select.value) return;
    var option = select.options[select.selectedIndex];
    var url = absolute(select.value);
    $('embed-url').value = url;
    $('embed-snippet').value = snippet(url, option.dataset.title || option.textContent);
  }

  async function copy(id) {
    var field = $(id), status = $('embed-status');
    var text = field.value, ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (e) { ok = false; }
    if (!ok) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
    }
    if (ok) {
      status.textContent = 'Copied to the clipboard.';
    } else {
      field.focus();
      field.select();
      status.textContent = 'Could not reach the clipboard: the text is selected, press Ctrl+C (⌘C).';
    }
  }

  // ---------------------------------------------------------------- the offline download

  async function checkDownload() {
    var link = $('download-link'), size = $('download-size');
    if (!link) return;
    try {
      var response = await fetch(DATA.download, {method: 'HEAD', cache: 'no-store'});
      if (!response.ok) throw new Error(String(response.status));
      var bytes = Number(response.headers.get('Content-Length'));
      size.textContent = 'mfml-course.zip' + (bytes ? ', ' + (bytes / 1e6).toFixed(1) + ' MB' : '');
      link.dataset.available = 'yes';
    } catch (e) {
      link.removeAttribute('href');
      link.setAttribute('aria-disabled', 'true');
      link.textContent = 'Download not available here';
      link.dataset.available = 'no';
      size.textContent = 'This copy of the site has no zip. If you built the site yourself, run ';
      var code = document.createElement('code');
      code.textContent = 'make zip';
      size.appendChild(code);
      size.appendChild(document.createTextNode(' to produce it.'));
    }
  }

  // ---------------------------------------------------------------- start

  function start() {
    $('export-progress').addEventListener('click', exportProgress);
    var input = $('import-progress');
    var chooser = $('import-label');
    if (chooser && chooser.tagName === 'BUTTON') chooser.addEventListener('click', function () { input.click(); });
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (file) importProgress(file).finally(function () { input.value = ''; });
    });
    var select = $('embed-select');
    if (select) select.addEventListener('change', updateEmbed);
    var local = $('embed-local');
    if (local && /^(127\.|localhost$|\[::1\]$)/.test(location.hostname)) local.hidden = false;
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      button.addEventListener('click', function () { copy(button.dataset.copy); });
    });
    updateEmbed();
    checkDownload();
    if (!storageOk) cannotStore(null);
    refresh();
    // back from a notebook tab: show what was done there
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') refresh();
    });
    window.addEventListener('pageshow', function (event) { if (event.persisted) refresh(); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
