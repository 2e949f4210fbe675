/* The SPARQL editor page (/editor): runs the query on /sparql and shows the results as a table.
 *
 * Progressive enhancement: without this script the form sends the query to /sparql and the
 * browser downloads the results. With it, the query is POSTed (fetch, Accept: SPARQL JSON) and
 * the results are shown in the page, with links to download them (GET /sparql?query=…&format=).
 * When CodeMirror 5 is installed (/static/vendor/codemirror, from npm) the text box becomes a
 * SPARQL editor with syntax highlighting; otherwise the plain text box is used. Tab leaves the
 * editor (no keyboard trap); Ctrl+Enter (Cmd+Enter) runs the query. No other script, no CDN.
 */
(function () {
  "use strict";

  var form = document.getElementById("editor-form");
  if (!form) {
    return;
  }
  var textarea = document.getElementById("query");
  var results = document.getElementById("results");
  var statusLine = document.getElementById("result-status");
  var body = document.getElementById("result-body");
  var downloads = document.getElementById("result-downloads");
  var runButton = document.getElementById("run-query");
  var endpoint = form.getAttribute("data-endpoint");
  var root = form.getAttribute("data-root") || "";
  var baseIri = form.getAttribute("data-base-iri") || "";
  var prefixes = {};
  try {
    prefixes = JSON.parse(form.getAttribute("data-prefixes") || "{}");
  } catch (ignored) {
    prefixes = {};
  }
  var namespaces = Object.keys(prefixes)
    .map(function (prefix) { return [prefix, prefixes[prefix]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });
  var MAX_ROWS_SHOWN = 2000;

  document.documentElement.classList.add("js");

  var editor = null;
  if (window.CodeMirror) {
    var label = document.querySelector("label[for='query']");
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      lineNumbers: true,
      matchBrackets: true,
      indentUnit: 2,
      screenReaderLabel: label ? label.textContent : "SPARQL",
      extraKeys: {
        "Tab": function () { return window.CodeMirror.Pass; },
        "Shift-Tab": function () { return window.CodeMirror.Pass; },
        "Ctrl-Enter": function () { run(); },
        "Cmd-Enter": function () { run(); }
      }
    });
    form.classList.add("has-codemirror");
  } else {
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
  }

  function queryText() {
    if (editor) {
      editor.save();
    }
    return textarea.value;
  }

  function compact(iri) {
    for (var i = 0; i < namespaces.length; i += 1) {
      var namespace = namespaces[i][1];
      if (iri.indexOf(namespace) === 0 && iri.length > namespace.length) {
        var local = iri.slice(namespace.length);
        if (/^[\w.\-\/]+$/.test(local)) {
          return namespaces[i][0] + ":" + local;
        }
      }
    }
    return iri;
  }

  function localHref(iri) {
    if (baseIri && iri.indexOf(baseIri) === 0) {
      return root + "/id/" + iri.slice(baseIri.length);
    }
    var ontology = "https://w3id.org/ocsea/ontology#";
    if (iri.indexOf(ontology) === 0) {
      return root + "/ontology#" + iri.slice(ontology.length);
    }
    return null;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) {
      return td;
    }
    if (term.type === "uri") {
      var href = localHref(term.value);
      var link = document.createElement(href ? "a" : "span");
      if (href) {
        link.href = href;
      }
      link.title = term.value;
      link.textContent = compact(term.value);
      td.appendChild(link);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      var text = document.createElement("span");
      text.textContent = term.value;
      if (term["xml:lang"]) {
        text.lang = term["xml:lang"];
      }
      td.appendChild(text);
      if (term["xml:lang"]) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "@" + term["xml:lang"];
        td.appendChild(document.createTextNode(" "));
        td.appendChild(tag);
      }
    }
    return td;
  }

  function table(data) {
    var vars = (data.head && data.head.vars) || [];
    var rows = (data.results && data.results.bindings) || [];
    var element = document.createElement("table");
    element.className = "results-table";
    var head = element.createTHead().insertRow();
    vars.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    var tbody = element.createTBody();
    rows.slice(0, MAX_ROWS_SHOWN).forEach(function (binding) {
      var tr = tbody.insertRow();
      vars.forEach(function (name) {
        tr.appendChild(cell(binding[name]));
      });
    });
    return { element: element, count: rows.length };
  }

  function downloadHref(query, format) {
    var params = new URLSearchParams();
    params.set("query", query);
    params.set("format", format);
    return endpoint + "?" + params.toString();
  }

  function show(message, isError) {
    statusLine.textContent = message;
    statusLine.classList.toggle("message", Boolean(isError));
    statusLine.setAttribute("role", isError ? "alert" : "status");
  }

  function run() {
    var query = queryText();
    results.hidden = false;
    body.textContent = "";
    downloads.hidden = true;
    runButton.disabled = true;
    show(form.getAttribute("data-running"), false);
    var params = new URLSearchParams();
    params.set("query", query);
    fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: params.toString()
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        return response.text().then(function (text) {
          return { ok: response.ok, status: response.status, type: type, text: text };
        });
      })
      .then(function (answer) {
        if (!answer.ok) {
          show(form.getAttribute("data-error") + " " + answer.status + ": " + answer.text, true);
          return;
        }
        if (answer.type.indexOf("json") >= 0) {
          var data = JSON.parse(answer.text);
          if (Object.prototype.hasOwnProperty.call(data, "boolean")) {
            show(form.getAttribute("data-answer") + ": " + String(data["boolean"]), false);
            return;
          }
          var built = table(data);
          body.appendChild(built.element);
          var rows = built.count === 1
            ? form.getAttribute("data-rows-one")
            : form.getAttribute("data-rows").replace("{n}", String(built.count));
          show(rows, false);
          ["csv", "json", "tsv"].forEach(function (format) {
            document.getElementById("download-" + format).href = downloadHref(query, format);
          });
          downloads.hidden = false;
        } else {
          var pre = document.createElement("pre");
          pre.textContent = answer.text;
          body.appendChild(pre);
          show("", false);
        }
      })
      .catch(function (error) {
        show(form.getAttribute("data-error") + ": " + error, true);
      })
      .then(function () {
        runButton.disabled = false;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
})();
