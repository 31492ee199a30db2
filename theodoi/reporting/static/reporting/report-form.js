// The report form keeps a copy of what is typed on this device, so a dropped
// connection or a refused save does not lose it; htmx autosaves the draft.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = "theodoi-report-" + form.dataset.report;
  var status = function () { return document.getElementById("save-status"); };
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return /^e\d+-/.test(el.name); });
  }
  function values() {
    var out = {};
    fields().forEach(function (el) { out[el.name] = el.value; });
    return out;
  }
  function keep() {
    try { localStorage.setItem(key, JSON.stringify(values())); } catch (e) { /* storage full or off */ }
  }
  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  var differs = kept && fields().some(function (el) { return el.name in kept && kept[el.name] !== el.value; });
  if (differs) {
    var box = document.getElementById("restore");
    box.hidden = false;
    document.getElementById("restore-button").addEventListener("click", function () {
      fields().forEach(function (el) { if (el.name in kept) el.value = kept[el.name]; });
      box.hidden = true;
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
    document.getElementById("discard-button").addEventListener("click", function () {
      localStorage.removeItem(key);
      box.hidden = true;
    });
  } else {
    localStorage.removeItem(key);
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  document.body.addEventListener("htmx:afterSettle", function () {
    var el = status();
    if (el && el.dataset.saved === "1") localStorage.removeItem(key);
  });
  document.body.addEventListener("htmx:sendError", function () {
    var el = status();
    if (el) { el.className = "bad"; el.textContent = form.dataset.offline || "Offline: your typing is kept on this device."; }
  });
})();
