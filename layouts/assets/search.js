// search.js: the archive's static search (/search/). No framework, no build
// step. The index format, the tokeniser and the ranking are specified in
// generator/internal/search (Go), which builds the index and evaluates
// queries the same way; a Go test runs this file's tokeniser and engine in
// Node and compares. Content is only ever set with textContent.
(function () {
  'use strict';

  // Tokeniser: the same steps as search.Normalize and search.Tokens.
  var CF = /\p{Cf}/u, MN = /\p{Mn}/u, LATIN = /\p{Script=Latin}/u, WORD = /[\p{L}\p{N}\p{M}]/u,
    MARK = /\p{M}/u, NUM = /\p{N}/u, MAXRUNES = 40,
    CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u,
    FOLD = { 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'đ': 'd', 'ð': 'd', 'ł': 'l', 'þ': 'th', 'ı': 'i', 'ς': 'σ' };

  function normalize(s) {
    var out = '', base = '';
    for (var ch of s.normalize('NFKC').toLowerCase().normalize('NFD')) {
      if (CF.test(ch)) continue;
      if (MN.test(ch)) {
        if (LATIN.test(base)) continue;
      } else base = ch;
      out += FOLD[ch] || ch;
    }
    return out.normalize('NFC');
  }

  function tokens(s) {
    var out = [], seg = [], cjk = false;
    function flush() {
      if (seg.length === 0) return;
      if (cjk && seg.length === 1) out.push(seg[0]);
      else if (cjk) for (var i = 0; i + 1 < seg.length; i++) out.push(seg[i] + seg[i + 1]);
      else if (seg.length >= 2 || NUM.test(seg[0])) out.push(seg.slice(0, MAXRUNES).join(''));
      seg = [];
    }
    for (var ch of normalize(s)) {
      if (!WORD.test(ch)) { flush(); continue; }
      var c = CJK.test(ch), mark = seg.length > 0 && MARK.test(ch);
      if (mark) c = cjk;
      if (seg.length > 0 && c !== cjk) { flush(); mark = false; }
      cjk = c;
      if (cjk && mark) seg[seg.length - 1] += ch; else seg.push(ch); // a CJK character keeps its marks
    }
    flush();
    return out;
  }

  function queryTerms(q, stop) {
    var out = [], seen = Object.create(null), st = Object.create(null);
    (stop || []).forEach(function (w) { st[w] = true; });
    tokens(q).forEach(function (t) {
      if (!st[t] && !seen[t]) { seen[t] = true; out.push(t); }
    });
    return out;
  }

  // Index format: see the package doc of generator/internal/search.
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var FACETS = [['dialogue', 'd:'], ['participant', 'p:'], ['delegation', 'g:'], ['topic', 't:']];

  function shardOf(term, n) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return (h >>> 0) % n;
  }

  function decode(s, facet) {
    var out = [], n = 0, shift = 0, doc = -1, wantGap = true;
    for (var i = 0; i < s.length; i++) {
      var v = B64.indexOf(s[i]);
      if (v < 0) throw new Error('malformed postings');
      n += (v & 31) * Math.pow(2, shift);
      if (v & 32) { shift += 5; continue; }
      if (wantGap) {
        doc += n + 1;
        if (facet) out.push([doc, 0]); else wantGap = false;
      } else {
        out.push([doc, n]);
        wantGap = true;
      }
      n = 0; shift = 0;
    }
    return out;
  }

  function idf(n, df) { return Math.round(1000 * Math.log(1 + (n - df + 0.5) / (df + 0.5))); }

  // match: documents in [lo, hi) on every list, by score then newest first.
  function match(n, lo, hi, terms, facets) {
    var score = new Map(), i, l;
    function keep(lists) {
      lists.forEach(function (list) {
        var hits = new Set(list.map(function (p) { return p[0]; }));
        score.forEach(function (_, id) { if (!hits.has(id)) score.delete(id); });
      });
    }
    if (terms.length) {
      var base = terms[0];
      terms.forEach(function (t) { if (t.length < base.length) base = t; });
      base.forEach(function (p) { if (p[0] >= lo && p[0] < hi) score.set(p[0], 0); });
      terms.forEach(function (list) {
        var w = idf(n, list.length), hits = new Set();
        list.forEach(function (p) {
          if (score.has(p[0])) { score.set(p[0], score.get(p[0]) + w * p[1]); hits.add(p[0]); }
        });
        score.forEach(function (_, id) { if (!hits.has(id)) score.delete(id); });
      });
    } else if (facets.length) {
      facets[0].forEach(function (p) { if (p[0] >= lo && p[0] < hi) score.set(p[0], 0); });
      facets = facets.slice(1);
    } else {
      for (i = lo; i < hi; i++) score.set(i, 0);
    }
    keep(facets);
    l = Array.from(score.keys());
    l.sort(function (a, b) { return score.get(b) - score.get(a) || b - a; });
    return l;
  }

  function idRange(m, from, to) {
    if (from > 0 && to > 0 && from > to) { var x = from; from = to; to = x; }
    var lo = 0, hi = m.docs, i;
    if (from > 0) {
      lo = m.docs;
      for (i = 0; i < m.years.length; i++) if (m.years[i][0] >= from) { lo = m.years[i][1]; break; }
    }
    if (to > 0) for (i = 0; i < m.years.length; i++) if (m.years[i][0] > to) { hi = m.years[i][1]; break; }
    return [lo, Math.max(lo, hi)];
  }

  function num(v) { v = String(v || '').trim(); return /^\d{1,9}$/.test(v) ? parseInt(v, 10) : 0; }

  // Engine runs queries; load(path) resolves to the parsed JSON of a file
  // under search/ ("index.json", "t/00a.json", "d/3.json").
  function Engine(load) {
    var cache = Object.create(null);
    function get(path) { return cache[path] || (cache[path] = load(path)); }
    this.fetched = function () { return Object.keys(cache); };
    this.search = function (p) {
      return get('index.json').then(function (m) {
        var terms = queryTerms(p.q || '', m.stop), facets = [], page = Math.max(num(p.page), 1);
        FACETS.forEach(function (f) { if (p[f[0]]) facets.push(f[1] + p[f[0]]); });
        var from = num(p.from), to = num(p.to), r = idRange(m, from, to);
        if (!terms.length && !facets.length && !from && !to) return { total: 0, terms: terms, page: 1, size: m.pageSize, pages: 0, results: [] };
        var all = terms.concat(facets), shards = [];
        all.forEach(function (t) { var s = shardOf(t, m.shards); if (shards.indexOf(s) < 0) shards.push(s); });
        shards.sort(function (a, b) { return a - b; });
        return Promise.all(shards.map(function (s) { return get('t/' + s.toString(16).padStart(3, '0') + '.json'); })).then(function (loaded) {
          var lists = [], missing = false;
          all.forEach(function (t) {
            var sh = loaded[shards.indexOf(shardOf(t, m.shards))], enc = Object.prototype.hasOwnProperty.call(sh, t) ? sh[t] : null;
            if (enc === null) missing = true; else lists.push(decode(enc, t.indexOf(':') >= 0));
          });
          var ids = missing ? [] : match(m.docs, r[0], r[1], lists.slice(0, terms.length), lists.slice(terms.length));
          var shown = ids.slice((page - 1) * m.pageSize, page * m.pageSize), need = [];
          shown.forEach(function (id) { var s = Math.floor(id / m.perShard); if (need.indexOf(s) < 0) need.push(s); });
          return Promise.all(need.map(function (s) { return get('d/' + s + '.json'); })).then(function (docs) {
            return {
              total: ids.length, terms: terms, page: page, size: m.pageSize, pages: Math.ceil(ids.length / m.pageSize),
              results: shown.map(function (id) {
                var d = docs[need.indexOf(Math.floor(id / m.perShard))][id % m.perShard];
                return { id: id, title: d[0], url: d[1], date: d[2], dialogue: d[3], snippet: d[4] };
              })
            };
          });
        });
      });
    };
  }

  var core = { normalize: normalize, tokens: tokens, queryTerms: queryTerms, shardOf: shardOf, decode: decode, idf: idf, match: match, Engine: Engine };
  if (typeof module === 'object' && module.exports) { module.exports = core; return; }
  if (typeof document === 'undefined') return;

  // The page: a form whose fields are the URL's parameters.
  var FIELDS = ['q', 'dialogue', 'participant', 'delegation', 'topic', 'from', 'to'];
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  var form = document.getElementById('search-form');
  if (!form) return;
  var status = document.getElementById('search-status'), list = document.getElementById('search-results'),
    pager = document.getElementById('search-pager'), dir = form.getAttribute('data-index'), seq = 0;
  var engine = new Engine(function (path) {
    return fetch(dir + path).then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + path);
      return r.json();
    });
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function fromURL() {
    var u = new URLSearchParams(location.search), p = {};
    FIELDS.concat('page').forEach(function (f) { p[f] = u.get(f) || ''; });
    return p;
  }

  function toForm(p) { FIELDS.forEach(function (f) { if (form.elements[f]) form.elements[f].value = p[f]; }); }

  function fromForm() {
    var p = { page: '' };
    FIELDS.forEach(function (f) { p[f] = form.elements[f] ? form.elements[f].value.trim() : ''; });
    return p;
  }

  function query(p) {
    var u = new URLSearchParams();
    FIELDS.concat('page').forEach(function (f) { if (p[f] && !(f === 'page' && p[f] === '1')) u.set(f, p[f]); });
    var s = u.toString();
    return s ? '?' + s : location.pathname;
  }

  function marked(parent, text, set) {
    var re = /[\p{L}\p{N}\p{M}]+/gu, last = 0, m;
    while ((m = re.exec(text))) {
      if (!tokens(m[0]).some(function (t) { return set.has(t); })) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el('mark', '', m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function when(iso) {
    var t = el('time', '', ''), d = iso.split('-');
    t.setAttribute('datetime', iso);
    t.textContent = d.length === 3 ? +d[2] + ' ' + MONTHS[+d[1] - 1] + ' ' + d[0] : iso;
    return t;
  }

  function pageLink(p, n, label, rel) {
    var a = el('a', '', label), q = Object.assign({}, p, { page: String(n) });
    a.href = query(q);
    a.rel = rel;
    a.addEventListener('click', function (e) {
      e.preventDefault();
      history.pushState(null, '', a.href);
      run(q, true);
    });
    return a;
  }

  function show(p, res) {
    var set = new Set(res.terms);
    list.textContent = '';
    pager.textContent = '';
    res.results.forEach(function (r) {
      var li = el('li', 'search-result'), h = el('h2', 'result-title'), a = el('a');
      a.href = r.url;
      h.appendChild(marked(a, r.title, set));
      var meta = el('p', 'meta');
      meta.appendChild(when(r.date));
      meta.appendChild(document.createTextNode(' · ' + r.dialogue));
      li.appendChild(h);
      li.appendChild(meta);
      if (r.snippet) li.appendChild(marked(el('p', 'snippet'), r.snippet, set));
      list.appendChild(li);
    });
    var what = (p.q ? ' for “' + p.q + '”' : '') + (FIELDS.slice(1).some(function (f) { return p[f]; }) ? ' with the chosen filters' : '');
    if (res.total === 0) status.textContent = 'No rounds found' + what + '.';
    else if (res.pages <= 1) status.textContent = res.total + (res.total === 1 ? ' round' : ' rounds') + ' found' + what + '.';
    else status.textContent = 'Rounds ' + ((res.page - 1) * res.size + 1) + '–' + ((res.page - 1) * res.size + res.results.length) + ' of ' + res.total + what + ', page ' + res.page + ' of ' + res.pages + '.';
    if (res.pages > 1) {
      var nav = el('nav', 'pager'), ul = el('ul');
      nav.setAttribute('aria-label', 'Pages of results');
      if (res.page > 1) ul.appendChild(el('li', 'prev')).appendChild(pageLink(p, res.page - 1, 'Previous page', 'prev'));
      if (res.page < res.pages) ul.appendChild(el('li', 'next')).appendChild(pageLink(p, res.page + 1, 'Next page', 'next'));
      nav.appendChild(ul);
      pager.appendChild(nav);
    }
  }

  function empty(p) { return !FIELDS.some(function (f) { return p[f]; }); }

  function run(p, focus) {
    var mine = ++seq;
    if (empty(p)) {
      list.textContent = '';
      pager.textContent = '';
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    list.setAttribute('aria-busy', 'true');
    engine.search(p).then(function (res) {
      if (mine !== seq) return;
      show(p, res);
      if (focus) status.focus();
    }).catch(function (err) {
      if (mine !== seq) return;
      status.textContent = 'Search failed (' + err.message + '). The archive lists every round by year.';
    }).then(function () { if (mine === seq) list.removeAttribute('aria-busy'); });
  }

  function submit(e) {
    if (e) e.preventDefault();
    var p = fromForm(), q = query(p);
    if (q !== (location.search || location.pathname)) history.pushState(null, '', q);
    run(p);
  }

  form.addEventListener('submit', submit);
  Array.prototype.forEach.call(form.querySelectorAll('select'), function (s) { s.addEventListener('change', submit); });
  var clear = document.getElementById('search-clear');
  if (clear) clear.addEventListener('click', function () {
    FIELDS.forEach(function (f) { if (form.elements[f]) form.elements[f].value = ''; });
    submit();
    form.elements.q.focus();
  });
  window.addEventListener('popstate', function () { var p = fromURL(); toForm(p); run(p); });
  form.hidden = false;
  var start = fromURL();
  toForm(start);
  run(start);
})();
