/* Full-text search with Pagefind: the index of this page's edition (from <html lang>).
   The index is in shards, each a Pagefind bundle; data-index names the list of them
   (shards.json, each named by its path from that list): the first is loaded and the others merged
   into it, so one search covers them all. A bundle holds every edition: Pagefind reads the one of <html lang>.
   Works when the site is served over http(s); opened from file:// it says so. */
(function () {
  "use strict";
  var form = document.querySelector(".search-page-form");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var d = form.dataset;
  var engine = null;
  var latest = 0;

  // Pagefind with every shard of the edition; null when the edition has no text to search.
  function open(shards) {
    var manifest = new URL(d.index, location.href);
    // Results are given from the site root; the site may live in a sub-folder.
    var base = new URL(d.root, location.href).pathname;
    var bundles = shards.map(function (name) { return new URL(name + "/", manifest); });
    if (!bundles.length) { return null; }
    return import(new URL("pagefind.js", bundles[0]).href).then(function (pf) {
      return pf.options({ baseUrl: base }).then(function () {
        // Each merged bundle is given by its own folder (ending in /), with the same base for its results.
        return Promise.all(bundles.slice(1).map(function (b) {
          return pf.mergeIndex(b.pathname, { baseUrl: base });
        }));
      }).then(function () { return pf; }, function (err) {
        pf.destroy();  // a half-merged index is dropped: the next search starts again
        throw err;
      });
    });
  }

  function load() {
    if (!engine) {
      engine = fetch(new URL(d.index, location.href)).then(function (r) {
        if (!r.ok) { throw new Error("no search index"); }
        return r.json();
      }).then(function (m) { return open(m.shards); });
    }
    return engine;
  }

  // Only the text and the <mark> highlights of an excerpt are kept: nothing else is markup.
  function excerpt(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var p = document.createElement("p");
    t.content.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        p.append(m);
      } else {
        p.append(document.createTextNode(n.textContent));
      }
    });
    return p;
  }

  function show(results, total) {
    results.forEach(function (r) {
      var li = document.createElement("li");
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = r.url;
      a.textContent = (r.meta && r.meta.title) || r.url;
      h.append(a);
      li.append(h, excerpt(r.excerpt || ""));
      list.append(li);
    });
    status.textContent = total ? d.results.replace("{n}", String(total)) : d.none;
  }

  function run(query) {
    var mine = ++latest;
    list.replaceChildren();
    if (!query.trim()) { status.textContent = d.prompt; return; }
    status.textContent = d.loading;
    load().then(function (pf) {
      if (!pf) { if (mine === latest) { show([], 0); } return; }
      return pf.search(query).then(function (search) {
        return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }))
          .then(function (data) { if (mine === latest) { show(data, search.results.length); } });
      });
    }).catch(function () {
      engine = null;
      if (mine === latest) { status.textContent = d.unavailable; }
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 250);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  if (q) { run(q); }
}());
