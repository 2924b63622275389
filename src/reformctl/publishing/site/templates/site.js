// The index's filter. Without JavaScript the form stays hidden and the page is a plain list.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) { return; }
  var text = document.getElementById("f-text");
  var state = document.getElementById("f-state");
  var phase = document.getElementById("f-phase");
  var count = document.getElementById("f-count");
  var matches = document.getElementById("matches");
  var matchList = document.getElementById("match-list");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var index = null;
  var loading = false;

  function words(value) { return value.toLowerCase().split(/\s+/).filter(Boolean); }

  function showMatches(terms) {
    matchList.textContent = "";
    if (!terms.length || !index) { matches.hidden = true; return; }
    var found = index.filter(function (entry) {
      var hay = (entry.agency + " " + entry.number + " " + entry.text).toLowerCase();
      return (!state.value || entry.state === state.value) && terms.every(function (t) { return hay.indexOf(t) !== -1; });
    }).slice(0, 50);
    found.forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry.url;
      a.textContent = entry.agency + ", " + entry.type + " " + entry.number;
      li.appendChild(a);
      li.appendChild(document.createTextNode(": " + entry.text + (entry.status ? " (" + entry.status + ")" : "")));
      matchList.appendChild(li);
    });
    matches.hidden = found.length === 0;
  }

  function loadIndex() {
    if (index || loading || !window.fetch) { return; }
    loading = true;
    fetch("search.json").then(function (r) { return r.ok ? r.json() : []; })
      .then(function (data) { index = data; apply(); })
      .catch(function () { index = []; });
  }

  function apply() {
    var terms = words(text.value);
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!state.value || card.getAttribute("data-state") === state.value) &&
        (!phase.value || card.getAttribute("data-phase") === phase.value) &&
        terms.every(function (t) { return card.getAttribute("data-text").indexOf(t) !== -1; });
      card.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll(".phase, .program").forEach(function (group) {
      group.hidden = group.querySelectorAll(".card:not([hidden])").length === 0;
    });
    count.textContent = shown + " of " + cards.length + " engagements shown";
    if (terms.length) { loadIndex(); }
    showMatches(terms);
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [text, state, phase].forEach(function (el) { el.addEventListener("input", apply); });
  apply();
})();
