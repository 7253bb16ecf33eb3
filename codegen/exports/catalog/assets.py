"""The catalog's stylesheet and script: plain files beside the pages, no
CDN, no fonts, no fetch() (pages opened from file:// cannot fetch)."""

CSS = """\
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0550ae; --bg: #fff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
header nav a { margin-right: 16px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 26px; margin: 8px 0; }
h2 { font-size: 20px; margin-top: 28px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 12px; overflow: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
.muted { color: var(--muted); }
.tag { display: inline-block; padding: 0 6px; margin: 0 4px 2px 0; border: 1px solid var(--line); border-radius: 10px; font-size: 12px; }
.privacy-personal, .privacy-sensitive { border-color: #cf222e; color: #a40e26; }
.privacy-pseudonymous { border-color: #9a6700; color: #7d4e00; }
.deprecated { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; align-items: center; }
.filters input { flex: 1 1 260px; padding: 6px 8px; font-size: 15px; }
.filters select { padding: 5px; }
.snippets pre { margin-top: 4px; }
footer { color: var(--muted); font-size: 13px; padding: 24px 20px; }
"""

JS = """\
// Search and filters of the catalog's index: every row carries its products,
// platforms, privacy classes and the words it does not show (owner, property
// names); nothing is fetched.
(function () {
  "use strict";
  var search = document.getElementById("search");
  if (!search) return;
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-event]"));
  var count = document.getElementById("count");
  var texts = rows.map(function (row) {
    return (row.getAttribute("data-search") + " " + row.textContent).toLowerCase();
  });
  function matches(row, select) {
    if (!select.value) return true;
    var values = row.getAttribute("data-" + select.getAttribute("data-filter"));
    // No products or platforms listed: the event is not restricted to any.
    if (values === "" && select.getAttribute("data-filter") !== "privacy") return true;
    return (" " + values + " ").indexOf(" " + select.value + " ") >= 0;
  }
  function update() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, index) {
      var text = texts[index];
      var visible = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        selects.every(function (s) { return matches(row, s); });
      row.hidden = !visible;
      if (visible) shown++;
    });
    count.textContent = shown + " of " + rows.length + " events";
  }
  search.addEventListener("input", update);
  selects.forEach(function (s) { s.addEventListener("change", update); });
  update();
})();
"""
