/* Full-text search with Pagefind: the index of this page's edition (from <html lang>).
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

  function load() {
    if (!engine) {
      engine = import(new URL(d.bundle, location.href).href).then(function (pf) {
        // Results are given from the site root; the site may live in a sub-folder.
        return pf.options({ baseUrl: new URL(d.root, location.href).pathname }).then(function () { return pf; });
      });
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
