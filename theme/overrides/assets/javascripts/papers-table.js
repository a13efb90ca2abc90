/* readinglist: sort and filter the all-papers table as one types, and show the rest of long lists on
   request. Runs offline; no dependencies. */
(function () {
  "use strict";

  // Letters without their accents, in lower case: 'Schölkopf' and 'schölkopf' match 'scholkopf', as readers type.
  var UNDECOMPOSED = { "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[øłæœßđðþı]/g, function (letter) { return UNDECOMPOSED[letter]; });
  }

  function setUp() {
    var table = document.getElementById("rl-all-papers");
    var input = document.getElementById("rl-filter");
    if (!table || !input || table.dataset.ready) return;
    table.dataset.ready = "1";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var count = document.getElementById("rl-filter-count");
    var more = document.getElementById("rl-more");
    // Folded row text is computed once, so filtering stays quick on long lists.
    var texts = rows.map(function (row) { return fold(row.textContent); });
    // Rows in the order shown; a long table shows `limit` of the matching ones, "Show more" adds as many.
    var order = rows.map(function (row, i) { return i; });
    var step = Number(table.dataset.limit) || rows.length;
    var limit = step;

    function describe(visible, matching) {
      if (count) {
        count.textContent = visible < matching ? "Showing " + visible + " of " + matching + " papers"
          : matching + (matching === 1 ? " paper" : " papers");
      }
      if (more) more.hidden = visible >= matching;
    }

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var matching = 0;
      order.forEach(function (i) {
        var match = words.every(function (word) { return texts[i].indexOf(word) !== -1; });
        if (match) matching += 1;
        rows[i].hidden = !match || matching > limit;
      });
      table.classList.remove("rl-limited");  // from now on each row's `hidden` decides
      describe(Math.min(matching, limit), matching);
    }

    function sortBy(header) {
      var column = header.cellIndex;
      var numeric = header.dataset.sort === "number";
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      order = rows.map(function (row, i) { return i; });
      order.sort(function (a, b) {
        var x = rows[a].cells[column].textContent.trim();
        var y = rows[b].cells[column].textContent.trim();
        // Empty cells go last whichever way the column is sorted.
        if (!x || !y) return x ? -1 : y ? 1 : a - b;
        var result = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { sensitivity: "base" });
        return (ascending ? result : -result) || a - b;
      });
      order.forEach(function (i) { body.appendChild(rows[i]); });
      filter();
    }

    if (more) {
      more.addEventListener("click", function () { limit += step; filter(); });
    }
    input.addEventListener("input", filter);
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort] button"), function (button) {
      button.addEventListener("click", function () { sortBy(button.parentNode); });
    });
    if (input.value) filter();
    else describe(Math.min(limit, rows.length), rows.length);  // rows past the limit are hidden by the stylesheet
  }

  // The tag index lists the first papers of a long tag; its button shows the rest.
  function setUpTagLists() {
    Array.prototype.forEach.call(document.querySelectorAll(".rl-show-all"), function (button) {
      var list = button.parentNode.previousElementSibling;
      if (!list || !list.classList.contains("rl-limited")) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        list.classList.remove("rl-limited");
        button.hidden = true;
      });
    });
  }

  function setUpAll() {
    setUp();
    setUpTagLists();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
