/* The rules of my-work/activity.json in one place, for the two pages that read and write it:
 * the course bar (notebook.js) records notebooks opened and run to the end, and the home page
 * (home.js) shows them and imports exported ones. Loaded before either script; exposes
 * window.mfmlActivity. Plain JavaScript, nothing fetched.
 *
 * The file: {"version": 1, "notebooks": {path: {first, last, opens, ran_to_end}}}. A path is a
 * course notebook under chapters/, labs/ or exercises/ (or a copy of one under my-work/)
 * ending in .ipynb; dates are ISO 8601 UTC times (Z or +00:00) from 2000 to a day from now
 * ("zzz" or "9999" would win every merge and "Continue where you left off" for ever); opens
 * is a whole number up to MAX_OPENS.
 */
(function () {
  'use strict';

  var MAX_OPENS = 1e6;
  var KEY = /^(my-work\/)?(chapters|labs|exercises)\/([^/]+\/)*[^/]+\.ipynb$/;

  function isKey(key) {
    return KEY.test(key) && key.split('/').every(function (p) {
      return p !== '..' && p !== '.' && p !== '__proto__';
    });
  }

  function isoUtc(value) {
    if (typeof value !== 'string' ||
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|\+00:00)$/.test(value)) return false;
    var t = Date.parse(value);
    return isFinite(t) && t >= Date.UTC(2000, 0, 1) && t <= Date.now() + 864e5;
  }

  function empty() { return {version: 1, notebooks: Object.create(null)}; }

  /* One record, clean. `strict` (an imported file): anything off the rules gives null.
   * Lenient (the stored file): a bad date is dropped, a count capped, the rest kept. */
  function record(r, strict) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) return null;
    var out = {first: null, last: null, opens: 0, ran_to_end: null};
    for (var k of ['first', 'last', 'ran_to_end']) {
      if (r[k] === undefined || r[k] === null) continue;
      if (!isoUtc(r[k])) { if (strict) return null; continue; }
      out[k] = r[k];
    }
    if (r.opens !== undefined && r.opens !== null) {
      if (Number.isInteger(r.opens) && r.opens >= 0 && r.opens <= MAX_OPENS) out.opens = r.opens;
      else if (strict) return null;
      else out.opens = Number.isFinite(r.opens) && r.opens > 0 ? Math.min(Math.floor(r.opens), MAX_OPENS) : 0;
    }
    return out;
  }

  /* The parsed file, clean, or null when it has no "notebooks" object (strict: also when
   * its version is not 1 or any record breaks the rules). */
  function parse(data, strict) {
    var notebooks = data && data.notebooks;
    if (!notebooks || typeof notebooks !== 'object' || Array.isArray(notebooks)) return null;
    if (strict && data.version !== undefined && data.version !== 1) return null;
    var out = Object.create(null);
    var keys = Object.keys(notebooks);
    for (var i = 0; i < keys.length; i++) {
      var clean = isKey(keys[i]) ? record(notebooks[keys[i]], strict) : null;
      if (clean) out[keys[i]] = clean;
      else if (strict) return null;
    }
    return {version: 1, notebooks: out};
  }

  /* Record by record: the earliest first visit and run to the end, the latest visit, the most
   * opens. Nothing is taken back (a newer local record keeps its newer dates and larger
   * count), the result does not depend on which side is local, and merging the same file
   * twice changes nothing. */
  function mergeRecords(a, b) {
    a = a || {}; b = b || {};
    var pick = function (x, y, later) {
      var v = [x, y].filter(function (t) { return typeof t === 'string' && t; }).sort();
      return v.length ? (later ? v[v.length - 1] : v[0]) : null;
    };
    return {first: pick(a.first, b.first, false), last: pick(a.last, b.last, true),
      opens: Math.min(MAX_OPENS, Math.max(+a.opens || 0, +b.opens || 0)),
      ran_to_end: pick(a.ran_to_end, b.ran_to_end, false)};
  }

  function merge(a, b) {
    var out = Object.create(null);
    Object.keys(a.notebooks).forEach(function (p) { out[p] = a.notebooks[p]; });
    Object.keys(b.notebooks).forEach(function (p) { out[p] = mergeRecords(out[p], b.notebooks[p]); });
    return {version: 1, notebooks: out};
  }

  window.mfmlActivity = {
    MAX_OPENS: MAX_OPENS, isKey: isKey, isoUtc: isoUtc, empty: empty, record: record,
    parse: parse, mergeRecords: mergeRecords, merge: merge
  };
})();
