/* The course bar of the notebook view: learner work that is never lost.
 *
 * - A course notebook (chapters/, labs/, exercises/) is read-only: "Make my copy" copies it to
 *   my-work/<same path>, records the course version and a fingerprint of the course file in
 *   the copy's metadata ("mfml_copy"), and opens the copy. An existing copy is opened, never
 *   overwritten.
 * - A copy made from an older course version whose course file has since changed says so, and
 *   offers to open the new version beside it or to reset to it; a reset first saves a backup
 *   to my-work/backups/<name>-<UTC time>.ipynb.
 * - "Download my work" zips everything under my-work/ (a STORE zip written here, CRC-32 and
 *   all); "Import my work" reads such a zip (STORE or DEFLATE entries) back into my-work/,
 *   never overwriting a different file (it is saved beside it as <name>-imported.<ext>), and
 *   merging progress.json as the exercise engine does.
 * - Where the browser denies storage (IndexedDB cannot be opened), a banner says that work is
 *   not kept here and offers "Open in a new tab" and "Download my work". JupyterLite itself
 *   falls back to memory storage (jupyter-lite.json: enableMemoryStorage, storage drivers).
 * - A course notebook whose copy exists offers "Open my copy (saved ...)" instead; Ctrl+S on a
 *   course notebook offers the copy instead of JupyterLab's "read-only, use Save as" toast,
 *   and so do every other save command (File > Save, Save As..., Save All, Duplicate, Rename,
 *   the toolbar's save button, Ctrl+Shift+S): the commands are wrapped in the app's registry.
 * - Copies are written and saved without widget views (an ipywidget's output needs the kernel
 *   that made it: reopened, it would say "Loading widget..." for ever); a one-line note takes
 *   its place.
 * - Opening a course notebook, running it to the end (every code cell ran here, no error) are
 *   recorded in my-work/activity.json, beside the exercises' my-work/progress.json; the home
 *   page reads both (continue where you left off, progress that moves every week).
 *
 * Everything goes through JupyterLite's own contents manager (window.jupyterapp, exposed by
 * jupyter-lite.json), so files land in JupyterLite's storage. Plain JavaScript, no dependency.
 */
(function () {
  'use strict';

  var COURSE_FOLDERS = ['chapters', 'labs', 'exercises'];
  var WORK = 'my-work';
  var BACKUPS = WORK + '/backups';
  var META = 'mfml_copy';
  // notebooks/index.html and lab/index.html are one level below the site root
  var ROOT = new URL('..', location.href).href;
  var HOME = ROOT + 'index.html';

  var state = {storageOk: null, version: null, path: null, panel: null, busy: false};

  // ---------------------------------------------------------------- small helpers

  function isCourse(path) {
    return !!path && COURSE_FOLDERS.indexOf(path.split('/')[0]) >= 0;
  }
  function isWork(path) { return !!path && path.split('/')[0] === WORK; }
  function isBackup(path) { return !!path && path.indexOf(BACKUPS + '/') === 0; }
  function basename(path) { return path.split('/').pop(); }
  function dirname(path) { return path.split('/').slice(0, -1).join('/'); }
  function splitExt(name) {
    var dot = name.lastIndexOf('.');
    return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  }
  function viewUrl(path) {
    return ROOT + 'notebooks/index.html?path=' + path.split('/').map(encodeURIComponent).join('/');
  }
  function utcStamp() { // 20260124T101502Z: sorts, and is a valid file name everywhere
    return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }
  function app() { return window.jupyterapp || null; }
  function contents() { return app().serviceManager.contents; }
  var utf8 = new TextEncoder();
  var utf8dec = new TextDecoder();

  // A stable JSON text (sorted keys): two notebooks are "the same" when these are equal.
  function stable(value) {
    if (Array.isArray(value)) return '[' + value.map(stable).join(',') + ']';
    if (value && typeof value === 'object') {
      return '{' + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ':' + stable(value[k]);
      }).join(',') + '}';
    }
    return JSON.stringify(value === undefined ? null : value);
  }

  // ---------------------------------------------------------------- widget views

  /* An ipywidget's output is only a reference to a model that lives in the kernel that drew
   * it; saved and reopened, JupyterLab shows "Loading widget..." for ever. A copy is written
   * and saved without them: each such output becomes one line saying how to get it back, and
   * the notebook's saved widget state goes too. Returns how many outputs were replaced. */
  var WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
  var WIDGET_NOTE = 'Interactive output (buttons, sliders): run this cell to show it again.';
  function withoutWidgets(nb) {
    var replaced = 0;
    if (!nb || !Array.isArray(nb.cells)) return replaced;
    nb.cells.forEach(function (cell) {
      if (cell.cell_type !== 'code' || !Array.isArray(cell.outputs)) return;
      var kept = [], noted = false;
      cell.outputs.forEach(function (out) {
        if (out && out.data && out.data[WIDGET_VIEW] !== undefined) {
          replaced += 1;
          if (!noted) {
            noted = true;
            kept.push({output_type: 'stream', name: 'stdout', text: WIDGET_NOTE + '\n'});
          }
        } else {
          kept.push(out);
        }
      });
      cell.outputs = kept;
    });
    if (nb.metadata && nb.metadata.widgets) {
      delete nb.metadata.widgets;
      replaced += 1;
    }
    return replaced;
  }

  /* Every notebook saved under my-work/ goes through the contents manager's save: strip the
   * widget views there, whoever saves (Ctrl+S, autosave, the bar's own writes). The open view
   * keeps its live widgets; only the stored file is without them. */
  function guardSaves() {
    var manager = contents();
    if (manager.__mfmlGuarded) return;
    manager.__mfmlGuarded = true;
    var save = manager.save.bind(manager);
    manager.save = function (path, options) {
      if (isWork(path) && options && options.type === 'notebook' && options.content &&
          typeof options.content === 'object') {
        var nb = JSON.parse(JSON.stringify(options.content));
        if (withoutWidgets(nb)) options = Object.assign({}, options, {content: nb});
      }
      return save(path, options);
    };
  }

  // ---------------------------------------------------------------- CRC-32 and fingerprints

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();
  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  /* What a course notebook says: its cells' types and sources (not outputs, ids or metadata).
   * A copy records this of the course file it was made from, to tell a real change of the
   * course file from a new course version that left this notebook alone. */
  function fingerprint(nb) {
    var text = (nb.cells || []).map(function (cell) {
      var src = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source || '');
      return cell.cell_type + '\n' + src;
    }).join('\n\u0000\n');
    var bytes = utf8.encode(text);
    return ('00000000' + crc32(bytes).toString(16)).slice(-8) + '-' + bytes.length;
  }

  // ---------------------------------------------------------------- the contents manager

  async function exists(path) {
    try { await contents().get(path, {content: false}); return true; } catch (e) { return false; }
  }

  /* One folder creation at a time (two at once would both make "Untitled Folder" and race to
   * rename it), and a folder known to exist is not asked for again: every contents call can
   * take seconds while Python is starting on a busy machine. */
  var dirQueue = Promise.resolve(), knownDirs = {};
  function ensureDir(path) {
    var job = dirQueue.then(function () { return ensureDirNow(path); });
    dirQueue = job.catch(function () { return null; });
    return job;
  }

  async function ensureDirNow(path) {
    var parts = path.split('/').filter(Boolean);
    var current = '';
    for (var i = 0; i < parts.length; i++) {
      var next = current ? current + '/' + parts[i] : parts[i];
      if (!knownDirs[next] && !(await exists(next))) {
        // the contents API names a new folder itself; create it, then give it its name
        var made = await contents().newUntitled({path: current, type: 'directory'});
        await contents().rename(made.path, next);
      }
      knownDirs[next] = true;
      current = next;
    }
  }

  async function saveNotebook(path, nb) {
    await ensureDir(dirname(path));
    if (isWork(path)) { nb = JSON.parse(JSON.stringify(nb)); withoutWidgets(nb); }
    return contents().save(path, {type: 'notebook', format: 'json', content: nb, name: basename(path)});
  }

  async function saveBytes(path, bytes) {
    await ensureDir(dirname(path));
    var name = basename(path);
    if (/\.ipynb$/i.test(name)) return saveNotebook(path, JSON.parse(utf8dec.decode(bytes)));
    var text = null;
    if (/\.(json|txt|md|py|csv|tsv|yml|yaml)$/i.test(name)) {
      try { text = new TextDecoder('utf-8', {fatal: true}).decode(bytes); } catch (e) { text = null; }
    }
    if (text !== null) {
      return contents().save(path, {type: 'file', format: 'text', content: text, name: name});
    }
    var binary = '';
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return contents().save(path, {type: 'file', format: 'base64', content: btoa(binary), name: name});
  }

  // A stored file as the bytes a learner would download.
  function modelBytes(model) {
    if (model.type === 'notebook' || model.format === 'json') {
      var value = typeof model.content === 'string' ? JSON.parse(model.content) : model.content;
      return utf8.encode(JSON.stringify(value, null, 1) + '\n');
    }
    if (model.format === 'base64') {
      var binary = atob(String(model.content || '').replace(/\s+/g, ''));
      var out = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
      return out;
    }
    return utf8.encode(String(model.content == null ? '' : model.content));
  }

  async function listFiles(dir) {
    var listing;
    try { listing = await contents().get(dir, {content: true}); } catch (e) { return []; }
    var files = [];
    var items = (listing.content || []).slice().sort(function (a, b) {
      return a.path < b.path ? -1 : 1;
    });
    for (var i = 0; i < items.length; i++) {
      if (items[i].type === 'directory') files = files.concat(await listFiles(items[i].path));
      else files.push(items[i].path);
    }
    return files;
  }

  async function courseVersion() {
    if (state.version === null) {
      try {
        var response = await fetch(ROOT + 'course.json', {cache: 'no-cache'});
        state.version = (await response.json()).version || 'unversioned';
      } catch (e) {
        state.version = 'unknown';
      }
    }
    return state.version;
  }

  function copyMeta(panel) {
    var model = panel && panel.context && panel.context.model;
    if (!model) return null;
    var meta = model.getMetadata ? model.getMetadata(META) : (model.metadata || {})[META];
    return meta && meta.source ? meta : null;
  }

  async function stamped(nb, source) {
    var out = JSON.parse(JSON.stringify(nb));
    out.metadata = out.metadata || {};
    out.metadata[META] = {
      source: source,
      course_version: await courseVersion(),
      course_fingerprint: fingerprint(nb),
      made: new Date().toISOString()
    };
    return out;
  }

  // ---------------------------------------------------------------- the actions

  async function makeCopy(panel) {
    if (!isDocument(panel)) panel = state.panel;
    var source = isDocument(panel) ? panel.context.path : state.path;
    var dest = WORK + '/' + source;
    var dirty = panel && panel.context.model.dirty;
    if (await exists(dest)) {
      if (dirty && !window.confirm('You already have a copy of this notebook; the changes ' +
          'made here are not in it. Open your copy?')) return;
    } else {
      var course = await contents().get(source, {content: true, type: 'notebook'});
      var nb = await stamped(course.content, source);
      if (dirty) { // keep what the learner already typed here: their copy starts from it
        var edited = panel.context.model.toJSON();
        edited.metadata = nb.metadata;
        nb = edited;
      }
      await saveNotebook(dest, nb);
    }
    if (panel) panel.context.model.dirty = false; // the edits are in the copy; leave quietly
    open(dest);
  }

  function open(path) {
    location.href = viewUrl(path);
  }

  // The learner's copy of a course notebook: its stored model (no content), or null.
  async function copyInfo(coursePath) {
    if (!isCourse(coursePath)) return null;
    try { return await contents().get(WORK + '/' + coursePath, {content: false}); } catch (e) {
      return null;
    }
  }

  // "today 14:05", "28 Nov", "28 Nov 2025": when a copy was saved, short enough for the bar
  function when(iso) {
    var d = new Date(iso), now = new Date();
    if (!iso || isNaN(d.getTime())) return 'earlier';
    if (d.toDateString() === now.toDateString()) {
      return 'today ' + d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
    }
    var options = {day: 'numeric', month: 'short'};
    if (d.getFullYear() !== now.getFullYear()) options.year = 'numeric';
    return d.toLocaleDateString([], options);
  }

  /* Ctrl+S (Cmd+S) on a read-only course notebook: JupyterLab would say "read-only, use Save
   * as..." and Save as writes outside my-work/. Offer the learner's copy instead. Listened to
   * on window in the capture phase, so it runs before JupyterLab's own shortcut. */
  function onSaveKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    if ((event.key || '').toLowerCase() !== 's' || !isCourse(state.path)) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.stopImmediatePropagation) event.stopImmediatePropagation();
    offerCopy();
  }

  /* Every other way to save a course notebook: File > Save Notebook, Save Notebook As...,
   * Save All, Duplicate, Rename, the toolbar's "Save and create checkpoint" button.
   * JupyterLab disables Save (its tooltip says 'use "Save as..." instead'), opens a "Save File
   * As" dialog that writes outside my-work/, or shows "read-only, use Save as" toasts. The
   * commands themselves are wrapped (menus, toolbar buttons and key bindings all execute them
   * through the app's command registry): on a course notebook they are enabled, say what they
   * do, and offer the copy exactly as Ctrl+S does; anywhere else they are JupyterLab's own. */
  // The notebook view (Notebook 7) registers application:duplicate / application:rename;
  // JupyterLab's full view (lab/index.html) registers docmanager:duplicate / docmanager:rename
  // instead (File menu and a tab's context menu;
  // build/schemas/@jupyterlab/docmanager-extension/plugin.json); each view has one of each.
  var SAVE_IDS = ['docmanager:save', 'docmanager:save-as', 'docmanager:save-all',
    'application:duplicate', 'docmanager:duplicate', 'application:rename', 'docmanager:rename'];
  var SAVE_CAPTION = 'This course notebook is read-only: make your own copy to keep your edits';

  function isDocument(widget) { return !!(widget && widget.context && widget.context.path); }

  /* The document a command acts on. JupyterLab's docmanager:rename / duplicate act on the
   * tab last right-clicked (its title holds "Path: ..."), else the current widget (its
   * contextMenuWidget); every other save command on the current widget. */
  function commandTarget(id) {
    var a = app(), shell = a && a.shell;
    if (!shell) return null;
    if (/^docmanager:(rename|duplicate)$/.test(id) && a.contextMenuHitTest) {
      var re = /[Pp]ath:\s?(.*)\n?/;
      var node = a.contextMenuHitTest(function (n) { return !!(n.title && n.title.match(re)); });
      var hit = node && node.title.match(re);
      if (hit && shell.widgets) {
        for (var widget of shell.widgets('main')) {
          if (isDocument(widget) && widget.context.path === hit[1]) return widget;
        }
      }
    }
    return shell.currentWidget || null;
  }

  function courseTarget(id) {
    var widget = commandTarget(id);
    return isDocument(widget) && isCourse(widget.context.path) ? widget : null;
  }

  // Open course notebooks (JupyterLab's full view can hold several documents), current first.
  function openCourseNotebooks() {
    var a = app(), out = [];
    if (!a || !a.shell || !a.shell.widgets) return out;
    var current = a.shell.currentWidget;
    if (isDocument(current) && isCourse(current.context.path)) out.push(current);
    for (var widget of a.shell.widgets('main')) {
      if (isDocument(widget) && isCourse(widget.context.path) && out.indexOf(widget) < 0) {
        out.push(widget);
      }
    }
    return out;
  }

  /* Save All while any open document is a course notebook: JupyterLab would save the
   * writable ones and show its "X is read-only. Use Save as... instead" toast for each course
   * notebook (whose Save As writes outside my-work/). Save the writable ones here (those with
   * changes, as JupyterLab does all of them: an unchanged one has nothing to save) and offer
   * the copy of the first course notebook instead. */
  function saveWritable() {
    var a = app(), seen = {}, saves = [];
    if (!a || !a.shell || !a.shell.widgets) return Promise.resolve([]);
    for (var widget of a.shell.widgets('main')) {
      var context = widget && widget.context;
      if (!context || seen[context.path] || isCourse(context.path)) continue;
      seen[context.path] = true;
      if (context.contentsModel && context.contentsModel.writable) {
        saves.push(context.save().catch(function () { return null; }));
      }
    }
    return Promise.all(saves);
  }

  /* Wrap one command where it is defined (Lumino's id -> command map); true once wrapped. */
  function guardCommand(commands, id) {
    var table = commands && commands._commands;
    var command = table && typeof table.get === 'function' ? table.get(id) : null;
    if (!command) return false;
    if (command.__mfmlGuarded) return true;
    command.__mfmlGuarded = true;
    var execute = command.execute, isEnabled = command.isEnabled, caption = command.caption;
    var target = id === 'docmanager:save-all'
      ? function () { return openCourseNotebooks()[0] || null; }
      : function () { return courseTarget(id); };
    command.execute = function (args) {
      var course = target();
      if (!course) return execute.call(this, args);
      if (id === 'docmanager:save-all') {
        var done = saveWritable();
        return offerCopy(course).then(function () { return done; });
      }
      return offerCopy(course);
    };
    command.isEnabled = function (args) {
      return !!target() || isEnabled.call(this, args);
    };
    command.caption = function (args) {
      return courseTarget(id) ? SAVE_CAPTION : caption.call(this, args);
    };
    commands.notifyCommandChanged(id);
    return true;
  }

  /* Wrap the save commands there are now, and any added later (Duplicate and Rename come
   * with the notebook app's plugins): the registry says when a command is added, so nothing
   * polls. window.mfmlWork.guarded() lists the wrapped ids. */
  var guardedIds = [];
  function guardSaveCommands() {
    var a = app(), commands = a && a.commands;
    if (!commands || !commands._commands || commands.__mfmlWatched) return;
    commands.__mfmlWatched = true;
    var wrap = function (id) {
      if (guardCommand(commands, id) && guardedIds.indexOf(id) < 0) guardedIds.push(id);
    };
    SAVE_IDS.forEach(wrap);
    if (commands.commandChanged) {
      commands.commandChanged.connect(function (_, change) {
        if (change && change.type === 'added' && SAVE_IDS.indexOf(change.id) >= 0) wrap(change.id);
      });
    }
  }

  function refreshSaveCommands() {
    var a = app();
    if (!a || !a.commands) return;
    SAVE_IDS.forEach(function (id) {
      if (a.commands.hasCommand(id)) a.commands.notifyCommandChanged(id);
    });
  }

  /* Whether the learner has a copy of a course notebook, as the bar last found it: the offer
   * is shown at once (every contents call can take seconds while Python starts), and looked
   * up again behind it. */
  var copyKnown = {};
  async function lookUpCopy(path) {
    var info = await copyInfo(path);
    copyKnown[path] = {info: info};
    return info;
  }

  /* The offer for a course notebook (the current one, or `panel`: Save All or a tab's
   * context menu can act on another tab in JupyterLab's full view). */
  async function offerCopy(panel) {
    if (!isDocument(panel)) panel = state.panel;
    var path = isDocument(panel) ? panel.context.path : state.path;
    if (!isCourse(path)) return;
    var known = copyKnown[path], wasCurrent = path === state.path;
    var info = known ? known.info : await lookUpCopy(path);
    if (wasCurrent && state.path !== path) return; // the learner moved on meanwhile
    if (known) lookUpCopy(path).catch(function () { return null; }); // fresh for next time
    var other = path !== state.path ? basename(path) + ' (another tab) is a read-only course notebook. ' : '';
    var text = info
      ? (other || 'This course notebook is read-only. ') + 'You have your own copy (saved ' +
        when(info.last_modified) + '): keep your edits there. '
      : (other || 'This course notebook is read-only, so it is not saved. ') + 'Make your own ' +
        'copy to keep your edits (what you typed ' + (other ? 'there' : 'here') + ' goes into it). ';
    say([text, button(info ? 'Open my copy' : 'Make my copy', function () { return makeCopy(panel); },
      {'class': 'mfml-bar-button primary', id: 'mfml-save-offer'})], 'info');
    var offer = document.getElementById('mfml-save-offer');
    if (offer) offer.focus();
  }

  // ---------------------------------------------------------------- what the learner did

  /* my-work/activity.json, beside the exercises' progress.json (which the kernel rewrites
   * with its own two keys only, so activity cannot live inside it):
   *   {"version": 1, "notebooks": {"chapters/part3/ch08-vectors.ipynb":
   *     {"first": ISO, "last": ISO, "opens": 3, "ran_to_end": ISO or null}}}
   * keyed by the course path (a copy counts for its course notebook). The home page reads it:
   * "Continue where you left off", chapters opened and run to the end, labs opened. */
  var ACTIVITY = WORK + '/activity.json';
  var activityQueue = Promise.resolve(null);

  // The activity file's rules and merge: scripts/site_assets/activity.js (shared with home.js).
  var ACT = window.mfmlActivity;
  var isoUtc = ACT.isoUtc, mergeActivityRecords = ACT.mergeRecords;

  /* The file's bytes, clean (activity.js); `strict` for an imported file: null refuses it. */
  function parseActivity(bytes, strict) {
    var data;
    try { data = JSON.parse(utf8dec.decode(bytes)); } catch (e) { return null; }
    return ACT.parse(data, strict);
  }

  /* {data, stamp}: the stored activity (unreadable or missing: empty) and its last_modified. */
  async function readActivityModel() {
    try {
      var model = await contents().get(ACTIVITY, {content: true});
      return {data: parseActivity(modelBytes(model), false) || ACT.empty(),
        stamp: model.last_modified || null};
    } catch (e) {
      return {data: ACT.empty(), stamp: null};
    }
  }
  async function readActivity() { return (await readActivityModel()).data; }

  async function activityStamp() {
    try { return (await contents().get(ACTIVITY, {content: false})).last_modified || null; } catch (e) {
      return null;
    }
  }

  // The stored file (lenient) merged with an imported one (strict): null refuses the import.
  function mergeActivity(aBytes, bBytes) {
    var a = parseActivity(aBytes, false), b = parseActivity(bBytes, true);
    if (!b) return null;
    return utf8.encode(JSON.stringify(ACT.merge(a || ACT.empty(), b), null, 1));
  }


  /* One write at a time: read, change one record, write (another tab's records are kept).
   * What this page wrote is merged in too: a read that comes back stale or fails (the
   * contents manager is slow while Python starts) never takes back a record made here.
   * Another tab (the home page's Import) may write the file between this read and this
   * write: just before writing, the file's last_modified is looked at again, and if it
   * changed the whole read-merge is done again (up to 3 times). What is left is the few
   * milliseconds between that look and the write (the contents manager has no
   * compare-and-swap); the home page's import reads and writes in one transaction. */
  var activityMine = {};
  function recordActivity(coursePath, change) {
    activityQueue = activityQueue.then(async function () {
      if (state.storageOk === false) return null;
      await ensureDir(WORK);
      var now = new Date().toISOString(), record = null, text = null;
      for (var attempt = 0; attempt < 3; attempt++) {
        var read = await readActivityModel(), data = read.data;
        Object.keys(activityMine).forEach(function (key) {
          data.notebooks[key] = mergeActivityRecords(data.notebooks[key], activityMine[key]);
        });
        record = mergeActivityRecords(data.notebooks[coursePath], {});
        change(record, now);
        data.notebooks[coursePath] = record;
        text = JSON.stringify(data, null, 1);
        if ((await activityStamp()) === read.stamp) break;
      }
      activityMine[coursePath] = record;
      await contents().save(ACTIVITY, {type: 'file', format: 'text', name: 'activity.json',
        content: text});
      return record;
    }).catch(function () { return null; });
    return activityQueue;
  }

  /* notebooks/index.html?path=...#Worked-example (the curriculum page's section links): once,
   * scroll to that heading, as JupyterLab does for a link inside a notebook. */
  var fragmentDone = false;
  function goToFragment(panel) {
    if (fragmentDone || !location.hash || location.hash.length < 2) return;
    fragmentDone = true;
    var fragment = location.hash;
    try { fragment = '#' + decodeURIComponent(location.hash.slice(1)); } catch (e) { /* as is */ }
    // every cell renders progressively (windowingMode defer) and figures above the heading
    // grow as they load: scroll again until the heading has stayed in view three times, for
    // at most 60 s (a loaded machine took over 20 s to lay the chapter out, and the heading
    // was never reached), and never after the learner scrolls, types or clicks
    var tries = 0, inView = 0, learnerMoved = false;
    var stop = function () { learnerMoved = true; };
    ['wheel', 'keydown', 'mousedown', 'touchstart'].forEach(function (name) {
      window.addEventListener(name, stop, {once: true, capture: true});
    });
    var go = function () {
      if (panel.isDisposed || learnerMoved) return;
      var id = fragment.slice(1);
      var heading = panel.node.querySelector('[id="' + id.replace(/["\\]/g, '\\$&') + '"]');
      var box = heading && heading.getBoundingClientRect();
      if (box && box.top >= 0 && box.top < window.innerHeight) inView++;
      else { inView = 0; if (panel.setFragment) panel.setFragment(fragment); }
      if (inView < 3 && ++tries < 120) setTimeout(go, 500);
    };
    setTimeout(go, 300);
  }

  function coursePathOf(path) {
    if (!path || isBackup(path)) return null;
    var course = isWork(path) ? path.slice(WORK.length + 1) : path;
    return isCourse(course) && /\.ipynb$/i.test(course) ? course : null;
  }

  var watched = typeof WeakSet === 'function' ? new WeakSet() : null;

  /* Opened: once per page. Ran to the end: every code cell of the notebook ran in this page
   * (its execution count was set by this Python) and none shows an error. */
  function watchActivity(panel, path) {
    var course = coursePathOf(path);
    if (!course || !panel || !watched || watched.has(panel)) return;
    watched.add(panel);
    // recorded once Python is ready (or after 10 s): while it starts, every contents call is
    // slow, and "Make my copy" should not wait behind this one
    var opened = false, since = Date.now();
    var recordOpen = function () {
      if (opened || panel.isDisposed) return;
      if (state.busy || (kernelState(panel) !== 'ready' && Date.now() - since < 10000)) {
        setTimeout(recordOpen, 1000);
        return;
      }
      opened = true;
      recordActivity(course, function (r, now) {
        r.first = r.first || now;
        r.last = now;
        r.opens += 1;
      });
    };
    setTimeout(recordOpen, 1000);
    var model = panel.content && panel.content.model;
    if (!model || !model.cells) return;
    var ran = new Set(), done = false, timer = null;
    var check = function () {
      timer = null;
      if (done || panel.isDisposed) return;
      var total = 0;
      for (var i = 0; i < model.cells.length; i++) {
        var cell = model.cells.get(i);
        if (cell.type !== 'code') continue;
        total += 1;
        if (!ran.has(cell)) return;
        var outs = cell.outputs && cell.outputs.toJSON ? cell.outputs.toJSON() : [];
        if (outs.some(function (o) { return o.output_type === 'error'; })) return;
      }
      if (!total || kernelState(panel) !== 'ready') return;
      done = true;
      recordActivity(course, function (r, now) {
        r.ran_to_end = r.ran_to_end || now;
        r.first = r.first || now;
        r.last = now;
      });
    };
    var hook = function (cell) {
      if (cell.type !== 'code' || !cell.stateChanged || cell.__mfmlHooked) return;
      cell.__mfmlHooked = true;
      cell.stateChanged.connect(function (_, change) {
        if (change.name === 'executionCount' && change.newValue !== null &&
            change.newValue !== undefined) {
          ran.add(cell);
          if (!timer) timer = setTimeout(check, 500);
        }
      });
    };
    var hookAll = function () { for (var i = 0; i < model.cells.length; i++) hook(model.cells.get(i)); };
    hookAll();
    model.cells.changed.connect(hookAll);
    // the last cell's count can arrive before its outputs and the idle status: look again
    panel.sessionContext && panel.sessionContext.statusChanged.connect(function () {
      if (!timer && ran.size) timer = setTimeout(check, 500);
    });
  }

  async function resetCopy() {
    var panel = state.panel, path = state.path, meta = copyMeta(panel);
    if (!meta) return;
    if (!window.confirm('Replace your copy with the current course version? ' +
        'A backup of your copy is saved first, in ' + BACKUPS + '/.')) return;
    var stem = splitExt(basename(path))[0];
    var backup = await freePath(BACKUPS + '/' + stem + '-' + utcStamp() + '.ipynb');
    var mine = panel.context.model.toJSON(); // with any unsaved edits
    await saveNotebook(backup, mine);
    var course = await contents().get(meta.source, {content: true, type: 'notebook'});
    await saveNotebook(path, await stamped(course.content, meta.source));
    await panel.context.revert();
    show();
    say(['Reset to the course version. Your previous copy is kept in ',
         el('a', {href: viewUrl(backup), id: 'mfml-backup-link', text: backup}), '.'], 'ok');
    return backup;
  }

  async function freePath(path) {
    if (!(await exists(path))) return path;
    var parts = splitExt(path);
    for (var n = 2; ; n++) {
      var candidate = parts[0] + '-' + n + parts[1];
      if (!(await exists(candidate))) return candidate;
    }
  }

  async function downloadWork() {
    var panel = state.panel;
    if (panel && isWork(state.path) && panel.context.model.dirty && state.path) {
      try { await panel.context.save(); } catch (e) { /* download what is stored */ }
    }
    var paths = await listFiles(WORK);
    if (!paths.length) {
      say('There is nothing in ' + WORK + '/ yet: make a copy of a notebook first.', 'info');
      return null;
    }
    var entries = [];
    for (var i = 0; i < paths.length; i++) {
      var model = await contents().get(paths[i], {content: true});
      entries.push({name: paths[i], bytes: modelBytes(model), date: model.last_modified});
    }
    var blob = new Blob([zipStore(entries)], {type: 'application/zip'});
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'mfml-my-work-' + utcStamp() + '.zip';
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
    say('Downloaded ' + entries.length + ' file' + (entries.length === 1 ? '' : 's') +
        ' from ' + WORK + '/ as ' + link.download + '.', 'ok');
    return paths;
  }

  function chooseImport() {
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = '.zip,application/zip';
    input.style.display = 'none';
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      input.remove();
      if (file) run(function () { return importWork(file); });
    });
    document.body.appendChild(input);
    input.click();
  }

  async function importWork(file) {
    var entries = await unzip(new Uint8Array(await file.arrayBuffer()));
    var written = [], same = [], beside = [], merged = [], skipped = [], refused = [];
    for (var i = 0; i < entries.length; i++) {
      var path = workPath(entries[i].name);
      if (!path) { skipped.push(entries[i].name); continue; }
      var bytes = entries[i].bytes;
      // bad dates or counts would win every merge for ever: such an activity file is refused
      if (path === ACTIVITY && !parseActivity(bytes, true)) { refused.push(path); continue; }
      var existing = null;
      try { existing = await contents().get(path, {content: true}); } catch (e) { existing = null; }
      if (!existing) { await saveBytes(path, bytes); written.push(path); continue; }
      var mine = modelBytes(existing);
      if (sameContent(path, mine, bytes)) { same.push(path); continue; }
      if (basename(path) === 'progress.json' || path === ACTIVITY) {
        var combined = path === ACTIVITY ? mergeActivity(mine, bytes) : mergeProgress(mine, bytes);
        if (combined) { await saveBytes(path, combined); merged.push(path); continue; }
      }
      var parts = splitExt(path);
      var other = parts[0] + '-imported' + parts[1];
      for (var n = 2; ; n++) {
        var there = null;
        try { there = await contents().get(other, {content: true}); } catch (e) { there = null; }
        if (!there || sameContent(other, modelBytes(there), bytes)) break;
        other = parts[0] + '-imported-' + n + parts[1];
      }
      await saveBytes(other, bytes);
      beside.push(other);
    }
    var lines = ['Imported ' + file.name + ': ' + written.length + ' new file' +
                 (written.length === 1 ? '' : 's')];
    if (same.length) lines.push(same.length + ' already here unchanged');
    if (merged.length) lines.push('progress merged with yours');
    if (beside.length) {
      lines.push('kept your own version and saved the imported one beside it as ' +
                 beside.join(', '));
    }
    if (skipped.length) lines.push('skipped ' + skipped.length + ' entry(ies) outside my-work');
    if (refused.length) {
      lines.push('left your ' + refused.join(', ') + ' unchanged: the one in the zip is not a ' +
                 'valid activity file (dates must be UTC times, not in the future)');
    }
    say(lines.join('; ') + '.', 'ok');
    return {written: written, same: same, beside: beside, merged: merged, skipped: skipped,
      refused: refused};
  }

  // A zip entry's place under my-work/ (entries may or may not start with "my-work/").
  function workPath(name) {
    var parts = name.replace(/\\/g, '/').split('/').filter(function (p) {
      return p && p !== '.';
    });
    if (!parts.length || parts[0] === '__MACOSX' || name.slice(-1) === '/') return null;
    if (parts.some(function (p) { return p === '..'; })) return null;
    if (parts[0] !== WORK) parts.unshift(WORK);
    return parts.length > 1 ? parts.join('/') : null;
  }

  function sameContent(path, a, b) {
    if (/\.(ipynb|json)$/i.test(path)) {
      try {
        return stable(JSON.parse(utf8dec.decode(a))) === stable(JSON.parse(utf8dec.decode(b)));
      } catch (e) { /* compare bytes */ }
    }
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // progress.json: merged record by record as src/mfml/exercises/progress.py merge_data does.
  var STATUSES = ['not_started', 'attempted', 'revealed', 'self_assessed', 'correct'];
  function mergeProgress(aBytes, bBytes) {
    var a, b;
    try {
      a = JSON.parse(utf8dec.decode(aBytes));
      b = JSON.parse(utf8dec.decode(bBytes));
    } catch (e) { return null; }
    if (!a || !b || !a.exercises || !b.exercises || typeof a.exercises !== 'object' ||
        typeof b.exercises !== 'object') return null;
    // an imported date that is not a UTC time (or lies in the future) would win for ever:
    // such a file is not merged (it is saved beside, as any file that cannot be merged)
    var badDate = Object.keys(b.exercises).some(function (key) {
      var y = b.exercises[key] || {};
      return ['first', 'last'].some(function (k) {
        return y[k] !== undefined && y[k] !== null && !isoUtc(y[k]);
      });
    });
    if (badDate) return null;
    var records = Object.create(null);
    Object.keys(a.exercises).forEach(function (key) { records[key] = a.exercises[key]; });
    Object.keys(b.exercises).forEach(function (key) {
      var x = records[key] || {}, y = b.exercises[key] || {};
      var rank = function (s) { return Math.max(0, STATUSES.indexOf(s)); };
      var firsts = [x.first, y.first].filter(Boolean).sort();
      var lasts = [x.last, y.last].filter(Boolean).sort();
      records[key] = {
        status: rank(y.status) > rank(x.status) ? y.status : (x.status || 'not_started'),
        attempts: Math.max(+x.attempts || 0, +y.attempts || 0),
        hints_used: Math.max(+x.hints_used || 0, +y.hints_used || 0),
        revealed: !!(x.revealed || y.revealed),
        first: firsts.length ? firsts[0] : null,
        last: lasts.length ? lasts[lasts.length - 1] : null
      };
    });
    return utf8.encode(JSON.stringify({version: 1, exercises: records}, null, 1));
  }

  // ---------------------------------------------------------------- zip, written and read

  function dosTime(iso) {
    var d = iso ? new Date(iso) : new Date();
    if (isNaN(d.getTime()) || d.getFullYear() < 1980) d = new Date();
    return {
      time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
      date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate()
    };
  }

  /* A zip of STORE entries (no compression: notebooks are small, and no library is needed).
   * Names are UTF-8 (flag bit 11). */
  function zipStore(entries) {
    var locals = [], centrals = [], offset = 0;
    entries.forEach(function (entry) {
      var name = utf8.encode(entry.name), data = entry.bytes, crc = crc32(data);
      var when = dosTime(entry.date);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);          // version needed
      local.setUint16(6, 0x0800, true);      // UTF-8 names
      local.setUint16(8, 0, true);           // STORE
      local.setUint16(10, when.time, true);
      local.setUint16(12, when.date, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      var central = new DataView(new ArrayBuffer(46));
      central.setUint32(0, 0x02014b50, true);
      central.setUint16(4, 20, true);        // made by
      central.setUint16(6, 20, true);
      central.setUint16(8, 0x0800, true);
      central.setUint16(10, 0, true);
      central.setUint16(12, when.time, true);
      central.setUint16(14, when.date, true);
      central.setUint32(16, crc, true);
      central.setUint32(20, data.length, true);
      central.setUint32(24, data.length, true);
      central.setUint16(28, name.length, true);
      central.setUint32(38, 0, true);        // external attributes
      central.setUint32(42, offset, true);
      locals.push(new Uint8Array(local.buffer), name, data);
      centrals.push(new Uint8Array(central.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = centrals.reduce(function (n, part) { return n + part.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    return new Blob(locals.concat(centrals, [new Uint8Array(end.buffer)]));
  }

  async function unzip(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var end = -1;
    for (var i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
      if (view.getUint32(i, true) === 0x06054b50) { end = i; break; }
    }
    if (end < 0) throw new Error('this file is not a zip');
    var count = view.getUint16(end + 10, true);
    var at = view.getUint32(end + 16, true);
    var entries = [];
    for (var n = 0; n < count; n++) {
      if (view.getUint32(at, true) !== 0x02014b50) throw new Error('the zip is damaged');
      var method = view.getUint16(at + 10, true);
      var crc = view.getUint32(at + 16, true);
      var packed = view.getUint32(at + 20, true);
      var nameLength = view.getUint16(at + 28, true);
      var extra = view.getUint16(at + 30, true);
      var comment = view.getUint16(at + 32, true);
      var local = view.getUint32(at + 42, true);
      var name = utf8dec.decode(bytes.subarray(at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extra + comment;
      if (name.slice(-1) === '/') continue;
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      var raw = bytes.subarray(start, start + packed);
      var data;
      if (method === 0) data = raw;
      else if (method === 8) data = await inflate(raw);
      else throw new Error(name + ': compression method ' + method + ' is not supported');
      if (crc32(data) !== crc) throw new Error(name + ': the zip is damaged (CRC mismatch)');
      entries.push({name: name, bytes: data});
    }
    return entries;
  }

  async function inflate(raw) {
    if (typeof DecompressionStream === 'undefined') {
      throw new Error('this browser cannot read compressed zips; make one with "Download my work"');
    }
    var stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // ---------------------------------------------------------------- storage that can fail

  /* Honest detection: try to open an IndexedDB database. A denied browser throws, fires
   * onerror, or has no indexedDB at all. */
  function probeStorage() {
    return new Promise(function (resolve) {
      var request;
      try {
        if (typeof indexedDB === 'undefined' || !indexedDB) { resolve(false); return; }
        request = indexedDB.open('mfml-storage-probe');
      } catch (e) { resolve(false); return; }
      var timer = setTimeout(function () { resolve(true); }, 5000); // slow is not denied
      request.onsuccess = function () {
        clearTimeout(timer);
        try { request.result.close(); } catch (e) { /* closed */ }
        resolve(true);
      };
      request.onerror = function (event) {
        clearTimeout(timer);
        if (event && event.preventDefault) event.preventDefault();
        resolve(false);
      };
    });
  }

  // ---------------------------------------------------------------- the bar

  var CSS = [
    '#mfml-bar{position:fixed;top:0;left:0;right:0;z-index:1000;font:13px/1.4 system-ui,',
    '-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933}',
    '#main{top:var(--mfml-bar-height,0px)!important}',
    '.mfml-row{display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;padding:6px 14px;',
    'border-bottom:1px solid #d8dee4}',
    '.mfml-nav{background:#f4f6f8}',
    '.mfml-nav .mfml-where{flex:1 1 auto;min-width:12em}',
    '.mfml-nav .mfml-tools{display:flex;flex-wrap:wrap;gap:6px}',
    '.mfml-home{font-weight:600;color:#1f5f99;text-decoration:none;white-space:nowrap}',
    '.mfml-home:hover{text-decoration:underline}',
    '.mfml-tag{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;',
    'background:#e3e8ee;color:#3e4c59;margin-right:6px;white-space:nowrap}',
    '.mfml-tag.mine{background:#dff3e4;color:#1d6b34}',
    '.mfml-bar-button,a.mfml-bar-button{font:inherit;font-size:12.5px;padding:3px 10px;',
    'border-radius:4px;border:1px solid #b8c2cc;background:#fff;color:#1f2933;cursor:pointer;',
    'white-space:nowrap;text-decoration:none;display:inline-block}',
    '.mfml-bar-button:hover{background:#eef2f6}',
    '.mfml-bar-button.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}',
    '.mfml-bar-button.primary:hover{background:#1a5fcc}',
    '.mfml-bar-button[disabled]{opacity:.6;cursor:progress}',
    '.mfml-warn{background:#fff4d6;border-bottom-color:#e8c766}',
    '.mfml-update{background:#e8f1fd;border-bottom-color:#a9c7f0}',
    '.mfml-msg{background:#eef8f0;border-bottom-color:#a7d7b3}',
    '.mfml-msg.error{background:#fdecec;border-bottom-color:#eba3a3}',
    '.mfml-text{flex:1 1 20em}',
    '.mfml-close{border:0;background:none;font-size:16px;cursor:pointer;color:#52606d;',
    'padding:0 4px}',
    '@media (max-width:600px){.mfml-row{padding:5px 8px;gap:5px 8px}',
    '.mfml-nav .mfml-where{min-width:0;flex:1 1 auto}.mfml-long{display:none}',
    '.mfml-warn .mfml-long,.mfml-update .mfml-long{display:inline}}'
  ].join('');

  var bar, rows = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'onclick') node.addEventListener('click', attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function button(label, action, extra) {
    var attrs = Object.assign({type: 'button', 'class': 'mfml-bar-button'}, extra || {});
    attrs.onclick = function () { run(action); };
    // "Download |my |work": the part between the bars is left out on a phone ("Download work")
    var parts = label.split('|');
    attrs['aria-label'] = parts.join('');
    return el('button', attrs, [document.createTextNode(parts[0]),
      parts[1] ? el('span', {'class': 'mfml-long', text: parts[1]}) : null,
      parts[2] ? document.createTextNode(parts[2]) : null]);
  }

  async function run(action) {
    if (state.busy) return;
    state.busy = true;
    bar.querySelectorAll('button.mfml-bar-button').forEach(function (b) { b.disabled = true; });
    try {
      return await action();
    } catch (e) {
      say('That did not work: ' + (e && e.message ? e.message : e), 'error');
    } finally {
      state.busy = false;
      bar.querySelectorAll('button.mfml-bar-button').forEach(function (b) { b.disabled = false; });
    }
  }

  function setRow(name, node) {
    if (rows[name]) rows[name].remove();
    rows[name] = node;
    if (node) {
      // order: storage warning, update notice, the nav row, the book row, a message
      var order = ['storage', 'update', 'nav', 'book', 'message'];
      var after = null;
      for (var i = order.indexOf(name) + 1; i < order.length && !after; i++) after = rows[order[i]];
      bar.insertBefore(node, after || null);
    }
    layout();
  }

  function layout() {
    var height = bar ? bar.getBoundingClientRect().height : 0;
    var current = document.documentElement.style.getPropertyValue('--mfml-bar-height');
    if (current !== height + 'px') {
      document.documentElement.style.setProperty('--mfml-bar-height', height + 'px');
      window.dispatchEvent(new Event('resize')); // the Lumino shell lays itself out again
    }
  }

  // text: a string, or a list of strings, nodes (a link) and buttons
  function say(text, kind) {
    var close = el('button', {type: 'button', 'class': 'mfml-close', 'aria-label': 'Close',
      title: 'Close', text: '\u00d7', onclick: function () { setRow('message', null); }});
    var span = el('span', {'class': 'mfml-text'});
    (Array.isArray(text) ? text : [text]).forEach(function (part) {
      span.appendChild(typeof part === 'string' ? document.createTextNode(part) : part);
    });
    setRow('message', el('div', {'class': 'mfml-row mfml-msg' + (kind === 'error' ? ' error' : ''),
      role: 'status', id: 'mfml-message'}, [span, close]));
  }

  function showStorageWarning() {
    var newTab = el('a', {'class': 'mfml-bar-button primary', href: location.href,
      target: '_blank', rel: 'noopener', text: 'Open in a new tab'});
    setRow('storage', el('div', {'class': 'mfml-row mfml-warn', role: 'alert',
      id: 'mfml-storage-banner'}, [
      el('span', {'class': 'mfml-text', text: 'This browser does not let the course keep ' +
        'anything here (storage is blocked, as in a page embedded in another site or some ' +
        'private windows). You can read and run everything, but your work will not be kept ' +
        'when this page closes.'}),
      newTab,
      button('Download my work', downloadWork)
    ]));
  }

  async function showUpdate(panel, meta) {
    setRow('update', null);
    var version = await courseVersion();
    if (!meta || meta.course_version === version) return;
    var course;
    try { course = await contents().get(meta.source, {content: true}); } catch (e) { return; }
    if (meta.course_fingerprint && meta.course_fingerprint === fingerprint(course.content)) return;
    if (state.panel !== panel) return;
    var beside = el('a', {'class': 'mfml-bar-button', href: viewUrl(meta.source),
      target: '_blank', rel: 'noopener', text: 'Open the new version beside it'});
    setRow('update', el('div', {'class': 'mfml-row mfml-update', id: 'mfml-update-banner'}, [
      el('span', {'class': 'mfml-text',
        text: 'This copy was made from an older version of the course.'}),
      beside,
      button('Reset to the course version', resetCopy)
    ]));
  }

  function show() {
    var path = state.path;
    var where = el('span', {'class': 'mfml-where'});
    var tools = el('span', {'class': 'mfml-tools'});
    var meta = copyMeta(state.panel);
    if (isCourse(path)) {
      where.appendChild(el('span', {'class': 'mfml-tag', text: 'Course notebook, read-only'}));
      where.appendChild(el('span', {'class': 'mfml-long',
        text: 'Changes here are not kept: make your own copy.'}));
      var make = button('Make my copy', makeCopy, {'class': 'mfml-bar-button primary',
        id: 'mfml-make-copy', title: 'Copy this notebook to ' + WORK + '/' + path +
        ' and open it; an existing copy is opened, never overwritten'});
      tools.appendChild(make);
      lookUpCopy(path).then(function (info) { // a copy exists: lead the learner back to it
        if (!info || state.path !== path || !make.isConnected) return;
        var saved = ' (saved ' + when(info.last_modified) + ')';
        make.replaceWith(button('Open my copy|' + saved, makeCopy, {
          'class': 'mfml-bar-button primary', id: 'mfml-open-copy', 'data-saved': info.last_modified,
          title: 'Open your copy, ' + WORK + '/' + path + saved + '; it is never overwritten'}));
        var note = where.querySelector('.mfml-long');
        if (note) note.textContent = 'You have your own copy: your edits are kept there.';
      });
    } else if (isWork(path) && meta && !isBackup(path)) {
      where.appendChild(el('span', {'class': 'mfml-tag mine', text: 'Your copy'}));
      where.appendChild(el('span', {'class': 'mfml-long', text: path + (state.storageOk === false ?
        ', kept only while this page is open.' : ', saved in this browser.')}));
      tools.appendChild(button('Reset| to the course version', resetCopy, {id: 'mfml-reset'}));
    } else if (isWork(path)) {
      where.appendChild(el('span', {'class': 'mfml-tag mine', text: isBackup(path) ? 'Backup' : 'Your file'}));
    }
    tools.appendChild(button('Download |my |work', downloadWork, {id: 'mfml-download',
      title: 'Everything in ' + WORK + '/ (your notebooks and progress) as one zip'}));
    tools.appendChild(button('Import |my |work', chooseImport, {id: 'mfml-import',
      title: 'Read back a zip made with "Download my work"; nothing of yours is overwritten'}));
    var home = el('a', {'class': 'mfml-home', href: HOME, text: '\u2190 Course home'});
    setRow('nav', el('div', {'class': 'mfml-row mfml-nav', id: 'mfml-nav'}, [home, where, tools]));
    showBook();
    watchKernel(state.panel);
    if (meta && isWork(path) && !isBackup(path)) showUpdate(state.panel, meta);
    else setRow('update', null);
  }

  function track() {
    var a = app();
    if (!a || !a.shell) { setTimeout(track, 200); return; }
    try { guardSaves(); } catch (e) { /* no contents manager yet: saveNotebook strips too */ }
    try { guardSaveCommands(); } catch (e) { /* Ctrl+S is still caught by onSaveKey */ }
    var update = function () {
      var widget = a.shell.currentWidget;
      var context = widget && widget.context;
      if (!context) { state.panel = null; state.path = null; show(); return; }
      context.ready.then(function () {
        if (a.shell.currentWidget !== widget) return;
        state.panel = widget;
        state.path = context.path;
        show();
        refreshSaveCommands();
        watchActivity(widget, context.path);
        goToFragment(widget);
      });
    };
    if (a.shell.currentChanged) a.shell.currentChanged.connect(update);
    update();
  }

  // ---------------------------------------------------------------- the book: where, what next

  /* A second row of the bar reads the course like a book: where the learner is (week, part,
   * chapter; a lab; an exercise set), Previous / Next in reading order (Start here, chapters
   * 1..20, then the capstone), the chapter's exercises and its week's labs, all in this tab;
   * the page title is the notebook's title. The same row says in words what Python is doing
   * (a live region) and offers "Run all". course.json (written by the build) is the map. */

  var book = {data: null, loading: null, kernel: null, panel: null, stopped: false};

  function courseData() {
    if (!book.loading) {
      book.loading = fetch(ROOT + 'course.json', {cache: 'no-cache'})
        .then(function (response) { return response.json(); })
        .then(function (data) { book.data = data; return data; })
        .catch(function () { return null; });
    }
    return book.loading;
  }

  // Start here, chapters in number order, then the capstone's notebooks: the reading order.
  function readingOrder(data) {
    var order = [];
    (data.guides || []).forEach(function (g) {
      if (/start-here\.ipynb$/.test(g.path)) {
        order.push({kind: 'guide', title: g.title, path: g.path});
      }
    });
    (data.chapters || []).slice().sort(function (a, b) { return a.number - b.number; })
      .forEach(function (c) { order.push(Object.assign({kind: 'chapter'}, c)); });
    var capstone = data.capstone;
    ((capstone && capstone.notebooks) || []).forEach(function (n) {
      order.push({kind: 'capstone', number: n.number, title: n.title, path: n.path,
        week: capstone.week});
    });
    return order;
  }

  function shortName(item) {
    if (!item) return '';
    if (item.kind === 'chapter') return 'Chapter ' + item.number;
    if (item.kind === 'capstone') return 'Capstone';
    if (item.kind === 'lab') return 'Lab ' + item.number;
    return item.title;
  }
  function longName(item) {
    if (item.kind === 'chapter' || item.kind === 'lab') return shortName(item) + ': ' + item.title;
    if (item.kind === 'capstone') return 'Capstone: ' + item.title;
    return item.title;
  }

  /* Where a notebook sits in the course: {crumbs, label, title, prev, next, links}. A
   * learner's copy (my-work/<course path>) sits where its course notebook does. */
  function locate(data, path) {
    if (!data || !path) return null;
    var mine = isWork(path);
    var course = mine ? path.slice(WORK.length + 1) : path;
    var order = readingOrder(data);
    var indexOf = function (p) {
      for (var i = 0; i < order.length; i++) if (order[i].path === p) return i;
      return -1;
    };
    var chapterOf = function (n) {
      var c = (data.chapters || []).filter(function (x) { return x.number === n; })[0];
      return c ? Object.assign({kind: 'chapter'}, c) : null;
    };
    var labs = (data.labs || []).map(function (l) { return Object.assign({kind: 'lab'}, l); });
    var link = function (kind, item, label) {
      return {kind: kind, title: longName(item), label: label || shortName(item), path: item.path};
    };
    var blank = function (title, label) {
      return {crumbs: [], title: title, label: label, prev: null, next: null, links: []};
    };
    var where = null, at = indexOf(course);
    var lab = labs.filter(function (l) { return l.path === course; })[0];
    var set = (data.exercise_sets || []).filter(function (s) { return s.path === course; })[0];
    var capstone = data.capstone;
    if (at >= 0) { // Start here, a chapter or a capstone notebook
      var item = order[at];
      where = blank(longName(item), item.title);
      where.prev = order[at - 1] || null;
      where.next = order[at + 1] || null;
      if (item.week) where.crumbs.push('Week ' + item.week);
      if (item.kind === 'chapter') {
        if (item.part) where.crumbs.push('Part ' + item.part);
        where.crumbs.push('Chapter ' + item.number + ' of ' + (data.chapters || []).length);
        if (item.exercises_path) {
          where.links.push({kind: 'exercises', title: 'Exercises for chapter ' + item.number,
            label: 'Exercises', path: item.exercises_path});
        }
        labs.filter(function (l) { return item.week && l.week === item.week; })
          .forEach(function (l) { where.links.push(link('lab', l)); });
      } else if (item.kind === 'capstone') {
        where.crumbs.push('Capstone');
        if (capstone.exercises_path) {
          where.links.push({kind: 'exercises', title: 'Capstone exercises', label: 'Exercises',
            path: capstone.exercises_path});
        }
      }
    } else if (lab) { // among the labs; its week's chapters
      var li = labs.indexOf(lab);
      where = blank(longName(lab), lab.title);
      where.prev = labs[li - 1] || null;
      where.next = labs[li + 1] || null;
      if (lab.week) where.crumbs.push('Week ' + lab.week);
      where.crumbs.push('Lab ' + lab.number + ' of ' + labs.length);
      var week = (data.weeks || []).filter(function (w) { return w.number === lab.week; })[0];
      ((week && week.chapters) || []).map(chapterOf).forEach(function (c) {
        if (c) where.links.push(link('chapter', c));
      });
    } else if (set) { // back to its chapter; on to the next one
      var chapter = chapterOf(set.chapter);
      var named = chapter ? ': ' + chapter.title : '';
      where = blank('Exercises, chapter ' + set.chapter + named, 'Exercises' + named);
      if (chapter) {
        where.next = order[indexOf(chapter.path) + 1] || null;
        if (chapter.week) where.crumbs.push('Week ' + chapter.week);
        if (chapter.part) where.crumbs.push('Part ' + chapter.part);
        where.links.push(link('chapter', chapter, '\u2191 Chapter ' + chapter.number));
      }
      where.crumbs.push('Exercises for chapter ' + set.chapter);
    } else if (capstone && capstone.exercises_path === course) {
      where = blank('Capstone exercises', 'Exercises');
      where.prev = order.filter(function (o) { return o.kind === 'capstone'; }).pop() || null;
      if (capstone.week) where.crumbs.push('Week ' + capstone.week);
      where.crumbs.push('Capstone');
      where.links.push({kind: 'capstone', title: 'Capstone: ' + capstone.title,
        label: '\u2191 Capstone', path: capstone.path});
    } else {
      var guide = (data.guides || []).filter(function (g) { return g.path === course; })[0];
      if (!guide) return null;
      where = blank(guide.title, guide.title);
    }
    if (mine) where.title += ' (my copy)';
    return where;
  }

  function bookLink(id, text, longText, title, path) {
    var attrs = {'class': 'mfml-bar-button mfml-book-link', href: viewUrl(path), title: title,
      'aria-label': title};
    if (id) attrs.id = id;
    var link = el('a', attrs);
    link.appendChild(document.createTextNode(text));
    if (longText) link.appendChild(el('span', {'class': 'mfml-long', text: longText}));
    return link;
  }

  var titleObserver = null;
  function setTitle(text) {
    book.title = text;
    if (text && document.title !== text) document.title = text;
    if (!titleObserver && window.MutationObserver) {
      // the notebook app names the tab after the file; keep the course's name
      titleObserver = new MutationObserver(function () {
        if (book.title && document.title !== book.title) document.title = book.title;
      });
      titleObserver.observe(document.head, {childList: true, subtree: true, characterData: true});
    }
  }

  function showBook() {
    if (!bar) return;
    var path = state.path;
    var row = el('div', {'class': 'mfml-row mfml-book', id: 'mfml-book'});
    var where = book.data ? locate(book.data, path) : null;
    var place = el('span', {'class': 'mfml-place', id: 'mfml-location'});
    if (where) {
      if (where.crumbs.length) {
        var crumbs = where.crumbs.join(' \u00b7 ');
        place.appendChild(el('span', {'class': 'mfml-crumbs', text: crumbs}));
      }
      place.appendChild(el('strong', {'class': 'mfml-title', text: where.label}));
      setTitle(where.title);
    } else {
      if (path) place.appendChild(el('strong', {'class': 'mfml-title', text: basename(path)}));
      book.title = null; // not a course notebook: the notebook app names the tab
    }
    row.appendChild(place);
    var links = el('nav', {'class': 'mfml-links', 'aria-label': 'Course'});
    if (where && where.prev) {
      links.appendChild(bookLink('mfml-prev', '\u2190', ' Previous', 'Previous: ' +
        longName(where.prev), where.prev.path));
    }
    if (where && where.next) {
      links.appendChild(bookLink('mfml-next', 'Next', ': ' + shortName(where.next), 'Next: ' +
        longName(where.next), where.next.path));
      links.lastChild.appendChild(document.createTextNode(' \u2192'));
    }
    (where ? where.links : []).forEach(function (link) {
      var id = link.kind === 'exercises' ? 'mfml-exercises' : null;
      var node = bookLink(id, link.label, '', link.title, link.path);
      node.setAttribute('data-kind', link.kind);
      links.appendChild(node);
    });
    if (links.childNodes.length) row.appendChild(links);
    row.appendChild(kernelBox());
    setRow('book', row);
    if (!book.data) {
      courseData().then(function (data) { if (data && state.path === path) showBook(); });
    }
  }

  // ---------------------------------------------------------------- what Python is doing

  var KERNEL_TEXT = {
    starting: 'Starting Python, about 15 s on first visit',
    restarting: 'Restarting Python\u2026',
    ready: 'Ready',
    busy: 'Busy',
    stopped: 'Python stopped: restart'
  };

  function kernelBox() {
    if (!book.kernel) {
      var status = el('span', {'class': 'mfml-kernel', id: 'mfml-kernel', role: 'status',
        'aria-live': 'polite', 'data-state': 'starting'});
      var restart = el('button', {type: 'button', 'class': 'mfml-bar-button', id: 'mfml-restart',
        hidden: '', text: 'Restart Python', onclick: restartKernel,
        title: 'Start Python again (a stopped Python is restarted by reloading the page)'});
      var runAll = el('button', {type: 'button', 'class': 'mfml-bar-button', id: 'mfml-run-all',
        title: 'Run every cell of this notebook, top to bottom', text: '\u25b6 Run all',
        onclick: runAllCells});
      book.kernel = {box: el('span', {'class': 'mfml-kernel-box'}, [status, restart, runAll]),
        status: status, restart: restart, runAll: runAll};
      setKernelText('starting');
    }
    return book.kernel.box;
  }

  function kernelState(panel) {
    var ctx = panel && panel.sessionContext;
    if (!ctx) return 'starting';
    if (ctx.isDisposed) return 'stopped';
    var kernel = ctx.session && ctx.session.kernel;
    if (!kernel) return book.stopped || ctx.hasNoKernel ? 'stopped' : 'starting';
    var status = kernel.status;
    if (status === 'idle') return 'ready';
    if (status === 'busy') return 'busy';
    if (status === 'dead' || status === 'terminating') return 'stopped';
    if (status === 'restarting' || status === 'autorestarting') return 'restarting';
    return 'starting';
  }

  function setKernelText(which) {
    var k = book.kernel;
    if (!k) return;
    if (k.status.getAttribute('data-state') !== which || !k.status.textContent) {
      k.status.setAttribute('data-state', which);
      k.status.textContent = KERNEL_TEXT[which];
    }
    if (which === 'stopped') k.restart.removeAttribute('hidden');
    else k.restart.setAttribute('hidden', '');
  }

  function watchKernel(panel) {
    if (book.panel === panel) { setKernelText(kernelState(panel)); return; }
    var refresh = function () { if (book.panel === panel) setKernelText(kernelState(panel)); };
    var signals = ['statusChanged', 'kernelChanged', 'sessionChanged', 'connectionStatusChanged'];
    var old = book.panel;
    if (old && old.sessionContext && book.refresh) {
      signals.forEach(function (name) { old.sessionContext[name].disconnect(book.refresh); });
    }
    book.panel = panel;
    book.refresh = refresh;
    if (panel && panel.sessionContext) {
      signals.forEach(function (name) { panel.sessionContext[name].connect(refresh); });
    }
    refresh();
    // a session that goes away emits nothing the row hears in every case: look once a second
    if (!book.timer) {
      book.timer = setInterval(function () { if (book.refresh) book.refresh(); }, 1000);
    }
  }

  async function runAllCells() {
    var a = app();
    if (!a || !state.panel) return;
    a.shell.activateById && a.shell.activateById(state.panel.id);
    await a.commands.execute('notebook:run-all-cells');
  }

  async function restartKernel() {
    var panel = state.panel;
    if (!panel || !panel.sessionContext) return;
    setKernelText('restarting');
    var ctx = panel.sessionContext;
    var kernel = ctx.session && ctx.session.kernel;
    try {
      if (kernel && kernel.status !== 'dead') await ctx.restartKernel();
      else { // a dead Python cannot restart, and its session is gone: load the page again
        if (isWork(state.path) && panel.context.model.dirty) await panel.context.save();
        panel.context.model.dirty = false; // saved, or a read-only course notebook
        location.reload();
        return;
      }
    } catch (e) {
      say('Python could not be restarted: ' + (e && e.message ? e.message : e) +
          '. Reload the page to start it again.', 'error');
    }
    setKernelText(kernelState(panel));
  }

  // ---------------------------------------------------------------- links in the same tab

  /* A Markdown link to another course notebook opens it in this tab (JupyterLab would open a
   * new tab, with a new Python). Ctrl/Cmd/Shift/middle click keep their usual meaning. */
  function resolvePath(base, href) {
    var parts = base ? base.split('/') : [];
    href.split('/').forEach(function (p) {
      if (p === '..') parts.pop();
      else if (p && p !== '.') parts.push(p);
    });
    return parts.join('/');
  }

  function notebookLinkTarget(anchor) {
    if (!anchor || !anchor.closest('.jp-RenderedMarkdown, .jp-RenderedHTMLCommon')) return null;
    var raw = anchor.getAttribute('href') || '';
    var args = anchor.getAttribute('data-commandlinker-args');
    var path = null, hash = '';
    if (args) { // JupyterLab has already resolved the link against the notebook's folder
      try {
        var parsed = JSON.parse(args);
        path = parsed.path || null;
        hash = parsed.id || '';
      } catch (e) { path = null; }
    }
    if (!path) {
      if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(raw)) return null; // another site, or this page
      var cut = raw.split('#');
      path = resolvePath(dirname(state.path || ''), decodeURIComponent(cut[0].split('?')[0]));
      hash = cut[1] ? '#' + cut[1] : '';
    }
    if (!/\.ipynb$/i.test(path)) return null;
    if (hash && hash.charAt(0) !== '#') hash = '#' + hash;
    return {path: path.replace(/^\/+/, ''), hash: hash};
  }

  function onLinkClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey) return;
    var anchor = event.target && event.target.closest ? event.target.closest('a[href]') : null;
    var target = notebookLinkTarget(anchor);
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    if (!isWork(target.path)) { location.href = viewUrl(target.path) + target.hash; return; }
    // in a learner's copy, a link to a notebook they have no copy of opens the course one
    exists(target.path).then(function (mine) {
      var path = mine ? target.path : target.path.slice(WORK.length + 1);
      location.href = viewUrl(path) + target.hash;
    });
  }

  function startBook() {
    var style = el('style', {id: 'mfml-book-style'});
    style.textContent = BOOK_CSS;
    document.head.appendChild(style);
    courseData();
    // only the focused notebook view: JupyterLab's own view keeps its tabs
    if (/\/notebooks\//.test(location.pathname)) {
      document.addEventListener('click', onLinkClick, true);
    }
  }

  var BOOK_CSS = [
    '.mfml-book{background:#fff}',
    '.mfml-place{flex:1 1 16em;min-width:0}',
    '.mfml-crumbs{color:#52606d;margin-right:8px}',
    '.mfml-title{font-weight:600;color:#1f2933}',
    '.mfml-links{display:flex;flex-wrap:wrap;gap:6px}',
    '.mfml-kernel-box{display:flex;flex-wrap:wrap;align-items:center;gap:6px}',
    '.mfml-kernel{padding:1px 8px;border-radius:9px;font-size:12px;white-space:nowrap;',
    'background:#fff4d6;color:#6b4e00}',
    '.mfml-kernel[data-state=ready]{background:#dff3e4;color:#1d6b34}',
    '.mfml-kernel[data-state=busy]{background:#e8f1fd;color:#1a4f99}',
    '.mfml-kernel[data-state=stopped]{background:#fdecec;color:#9b1c1c}',
    '.mfml-book [hidden]{display:none!important}',
    // the course bar says "read-only" and offers the copy: JupyterLab's pill and its trust
    // button only repeated it (ux review, defect 21)
    '.jp-NotebookPanel-toolbar [data-jp-item-name="read-only-indicator"],',
    '.jp-NotebookPanel-toolbar .jp-Toolbar-item:has(> .jp-ToolbarLabelComponent),',
    '.jp-NotebookPanel-toolbar .jp-Toolbar-item:has(> * > .jp-ToolbarLabelComponent),',
    '.jp-NotebookTrustedStatus{display:none!important}',
    '@media (max-width:600px){.mfml-place{flex-basis:100%}.mfml-crumbs{margin-right:4px}}'
  ].join('');

  // for the browser tests: where a path sits in the course
  window.mfmlBook = {locate: function (path) { return locate(book.data, path); },
    courseData: courseData, runAll: runAllCells};

  function start() {
    var style = el('style', {id: 'mfml-bar-style'});
    style.textContent = CSS;
    document.head.appendChild(style);
    startBook();
    bar = el('div', {id: 'mfml-bar'});
    document.body.appendChild(bar);
    if (window.ResizeObserver) new ResizeObserver(layout).observe(bar);
    window.addEventListener('resize', function () { setTimeout(layout, 0); });
    state.path = new URLSearchParams(location.search).get('path');
    window.addEventListener('keydown', onSaveKey, true);
    show();
    probeStorage().then(function (ok) {
      state.storageOk = ok;
      if (!ok) showStorageWarning();
    });
    track();
  }

  // for the browser tests and the curious: the same functions the buttons call
  window.mfmlWork = {
    state: state, makeCopy: makeCopy, resetCopy: resetCopy, downloadWork: downloadWork,
    importWork: importWork, listFiles: listFiles, fingerprint: fingerprint, zipStore: zipStore,
    unzip: unzip, crc32: crc32, probeStorage: probeStorage, withoutWidgets: withoutWidgets,
    readActivity: readActivity, recordActivity: recordActivity, copyInfo: copyInfo,
    offerCopy: offerCopy, guarded: function () { return guardedIds.slice(); }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
