/* readinglist: sort and filter the all-papers table as one types. Runs offline; no dependencies. */
(function () {
  "use strict";

  function setUp() {
    var table = document.getElementById("rl-all-papers");
    var input = document.getElementById("rl-filter");
    if (!table || !input || table.dataset.ready) return;
    table.dataset.ready = "1";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var count = document.getElementById("rl-filter-count");
    // Lower-cased row text is computed once, so filtering stays quick on long lists.
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = words.every(function (word) { return texts[i].indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = shown + (shown === 1 ? " paper" : " papers");
    }

    function sortBy(header) {
      var column = header.cellIndex;
      var numeric = header.dataset.sort === "number";
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var order = rows.map(function (row, i) { return i; });
      order.sort(function (a, b) {
        var x = rows[a].cells[column].textContent.trim();
        var y = rows[b].cells[column].textContent.trim();
        // Empty cells go last whichever way the column is sorted.
        if (!x || !y) return x ? -1 : y ? 1 : a - b;
        var result = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { sensitivity: "base" });
        return (ascending ? result : -result) || a - b;
      });
      order.forEach(function (i) { body.appendChild(rows[i]); });
    }

    input.addEventListener("input", filter);
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort] button"), function (button) {
      button.addEventListener("click", function () { sortBy(button.parentNode); });
    });
    if (input.value) filter();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
