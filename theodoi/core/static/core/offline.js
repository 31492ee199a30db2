// theodoi in the field: drafts kept on the device, a queue of what could not be
// sent, uploads that arrive (photos scaled down, a progress bar, retry after a
// drop). Plain JS, no build step. The translated texts and the limits come from
// the base template's #offline panel (data-t-*).
//
// A form opts in with data-offline-form="key" (its drafts and queued sends are
// kept under that key) and data-offline-label="what it is". A multipart form
// with a file input is sent with a progress bar; data-refresh="#id #id2" on it
// updates those parts of the page in place instead of leaving it.
(function () {
  "use strict";
  var panel = document.getElementById("offline");
  if (!panel) return;
  var T = panel.dataset;
  var maxBytes = parseInt(T.maxBytes || "10485760", 10);
  var UNREACHABLE = [0, 502, 503, 504];
  var IMAGE = /^image\/(jpeg|png|webp)$/;
  var MAX_SIDE = 1600, QUALITY = 0.8;
  var STALL_MS = 30000;

  function t(name, values) {
    var text = T["t" + name.charAt(0).toUpperCase() + name.slice(1)] || name;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  // The base template registers the service worker (it keeps the last version
  // of the pages read) and forgets the kept pages at sign-out; it loads this
  // script where a form or an upload is, or while something waits to be sent.

  // -- Irreversible decisions ask first, naming what will happen --------------
  document.addEventListener("submit", function (ev) {
    var asker = (ev.submitter && ev.submitter.dataset.confirm) ? ev.submitter : ev.target;
    var question = asker.dataset && asker.dataset.confirm;
    if (question && !window.confirm(question)) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  });

  // -- The queue (IndexedDB: it keeps files too) ------------------------------
  function db() {
    return new Promise(function (ok, ko) {
      var open = indexedDB.open("theodoi-offline", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true }); };
      open.onsuccess = function () { ok(open.result); };
      open.onerror = function () { ko(open.error); };
    });
  }
  function store(mode, work) {
    return db().then(function (d) {
      return new Promise(function (ok, ko) {
        var tx = d.transaction("queue", mode);
        var request = work(tx.objectStore("queue"));
        tx.oncomplete = function () { ok(request ? request.result : undefined); };
        tx.onerror = function () { ko(tx.error); };
      });
    });
  }
  function queued() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return items.filter(function (i) { return i.user === T.user; });
    }).catch(function () { return []; });
  }
  function keep(item) { return store("readwrite", function (s) { return s.put(item); }); }
  function drop(id) { return store("readwrite", function (s) { return s.delete(id); }); }

  // -- Drafts (localStorage: text only) -------------------------------------
  var SKIP = /^(csrfmiddlewaretoken|version)$/;
  function named(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP.test(el.name) && !/^(file|submit|button|reset|hidden)$/.test(el.type);
    });
  }
  function values(form) {
    var out = {};
    named(form).forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (out[el.name] = out[el.name] || []).push(el.value);
    });
    return out;
  }
  function fill(form, kept) {
    var seen = {};
    named(form).forEach(function (el) {
      var list = kept[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = list.indexOf(el.value) >= 0; return; }
      var i = seen[el.name] = (seen[el.name] || 0);
      seen[el.name] = i + 1;
      if (i < list.length) el.value = list[i];
    });
  }
  function draftKey(form) { return "theodoi-draft:" + T.user + ":" + form.dataset.offlineForm; }
  function readDraft(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function forget(key) { try { localStorage.removeItem(key); } catch (e) { /* off */ } }

  function note(form, text, kind, actions) {
    var box = form.previousElementSibling && form.previousElementSibling.classList.contains("offline-note")
      ? form.previousElementSibling : null;
    if (!box) {
      box = document.createElement("div");
      box.className = "offline-note";
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form);
    }
    box.className = "offline-note " + (kind || "");
    box.textContent = text + " ";
    (actions || []).forEach(function (a) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary " + (a[2] || "");
      b.textContent = a[0];
      b.addEventListener("click", function () { a[1](); });
      box.appendChild(b);
    });
    return box;
  }

  function watch(form) {
    var key = draftKey(form);
    var kept = readDraft(key);
    var now = JSON.stringify(values(form));
    if (kept && JSON.stringify(kept.values) !== now) {
      var box = note(form, t("restore"), "", [
        [t("restoreButton"), function () {
          fill(form, kept.values); box.remove();
          form.dispatchEvent(new Event("change", { bubbles: true }));
        }, "restore-draft"],
        [t("discardButton"), function () { forget(key); box.remove(); }, "discard-draft"],
      ]);
    } else if (kept) {
      forget(key);
    }
    var save = function () {
      try {
        localStorage.setItem(key, JSON.stringify({ values: values(form), at: Date.now(), page: location.pathname }));
      } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    // The agency report autosaves through htmx: a saved draft needs no copy.
    document.body.addEventListener("htmx:afterSettle", function () {
      var saved = form.querySelector("[data-saved='1']");
      if (saved) forget(key);
    });
    document.body.addEventListener("htmx:sendError", function () {
      var status = form.querySelector("#save-status");
      if (status) { status.className = "bad"; status.textContent = t("kept"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-discard-draft]"), function (a) {
      a.addEventListener("click", function () { forget(key); });
    });
  }

  // -- Sending ----------------------------------------------------------------
  // The server answers a send (X-Theodoi-Send) with 204 and X-Theodoi-Location
  // instead of a redirect, so a success is told from a page with errors.
  // Each press of a button is one send with its own id, kept with a queued
  // send: when only the answer was lost, sending again is not done twice.
  function sendId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  function send(url, data, progress, id) {
    return new Promise(function (ok) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-Theodoi-Send", id || sendId());
      // A dropped link may leave a send hanging, not failing: it is given up
      // when the device says it is offline, or when an upload stops moving.
      var stalled = null;
      var stall = function () {
        clearTimeout(stalled);
        stalled = setTimeout(function () { xhr.abort(); }, STALL_MS);
      };
      var cut = function () { xhr.abort(); };
      var finish = function (answer) {
        clearTimeout(stalled);
        window.removeEventListener("offline", cut);
        ok(answer);
      };
      window.addEventListener("offline", cut);
      xhr.upload.addEventListener("progress", function (e) {
        stall();
        if (progress && e.lengthComputable) progress(e.loaded / e.total);
      });
      xhr.upload.addEventListener("loadend", function () { clearTimeout(stalled); });
      xhr.onload = function () {
        finish({ status: xhr.status, location: xhr.getResponseHeader("X-Theodoi-Location"), html: xhr.responseText });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { finish({ status: 0 }); };
      xhr.send(data);
      stall();
    });
  }
  function signedOut(answer) { return answer.location && answer.location.indexOf(T.login) === 0; }
  function showPage(html, url) {
    if (url && url !== location.pathname) history.pushState(null, "", url);
    document.open();
    document.write(html);
    document.close();
  }
  function formData(entries) {
    var data = new FormData();
    entries.forEach(function (e) {
      if (e[1] instanceof Blob) data.append(e[0], e[1], e[2] || "file");
      else data.append(e[0], e[1]);
    });
    return data;
  }

  // -- Photos scaled down before sending ---------------------------------------
  function scale(file) {
    return new Promise(function (ok) {
      if (!IMAGE.test(file.type) || !window.createImageBitmap) { ok(file); return; }
      createImageBitmap(file).then(function (img) {
        var ratio = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        if (ratio === 1 && file.size < 500 * 1024) { ok(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * ratio);
        canvas.height = Math.round(img.height * ratio);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { ok(file); return; }
          ok(new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      }).catch(function () { ok(file); });
    });
  }
  function fileError(input, text) {
    var p = input.parentNode.querySelector(".upload-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "error upload-error";
      p.setAttribute("role", "alert");
      input.parentNode.insertBefore(p, input.nextSibling);
    }
    p.textContent = text;
    if (text) input.focus();
  }
  // The entries of a form, photos scaled, or null when a file is too large.
  function prepare(form, submitter) {
    var data = new FormData(form, submitter);
    var inputs = Array.prototype.filter.call(form.elements, function (el) { return el.type === "file" && el.name; });
    var entries = [];
    data.forEach(function (v, k) { if (!(v instanceof File)) entries.push([k, v]); });
    var work = [];
    var refused = false;
    inputs.forEach(function (input) {
      fileError(input, "");
      var original = input.parentNode.querySelector("input[data-original]");
      Array.prototype.forEach.call(input.files, function (file) {
        work.push((original && original.checked ? Promise.resolve(file) : scale(file)).then(function (f) {
          if (f.size > maxBytes) {
            refused = true;
            fileError(input, t("tooLarge", { name: file.name, size: (f.size / 1048576).toFixed(1), max: (maxBytes / 1048576).toFixed(0) }));
          }
          entries.push([input.name, f, f.name]);
        }));
      });
    });
    return Promise.all(work).then(function () { return refused ? null : entries; });
  }
  function bar(form) {
    var box = form.querySelector(".upload-progress") || document.querySelector(".upload-progress[data-for='" + form.id + "']");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      box.dataset.for = form.id || "";
      box.innerHTML = "<progress max='100' value='0'></progress> <span aria-live='polite'></span>";
      var input = Array.prototype.find.call(form.elements, function (el) { return el.type === "file"; });
      var anchor = input && !form.contains(input) ? input.parentNode : form;
      anchor.appendChild(box);
    }
    box.hidden = false;
    return function (fraction) {
      var pct = Math.round(fraction * 100);
      box.querySelector("progress").value = pct;
      box.querySelector("span").textContent = t("sending", { pct: pct });
    };
  }
  function refresh(form, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    (form.dataset.refresh || "").split(/\s+/).filter(Boolean).concat([".messages"]).forEach(function (sel) {
      var fresh = doc.querySelector(sel), old = document.querySelector(sel);
      if (fresh && old) old.replaceWith(document.importNode(fresh, true));
      else if (fresh && sel === ".messages") document.getElementById("main").prepend(document.importNode(fresh, true));
      else if (old && sel === ".messages") old.remove();
    });
    wireUploads(document);
  }

  // An autosave in flight (htmx) may change the version: send after it.
  function settled(form) {
    return new Promise(function (ok) {
      var tries = 0;
      (function wait() {
        if (!form.classList.contains("htmx-request") || ++tries > 50) ok(); else setTimeout(wait, 200);
      })();
    });
  }
  // The version this page last wrote (its autosave) is the one a queued send checks.
  function currentVersion(item) {
    if (location.pathname !== item.page) return;
    var form = document.querySelector("form[data-offline-form='" + item.key + "']");
    var field = form && form.querySelector("input[name=version]");
    if (!field) return;
    item.entries.forEach(function (e) { if (e[0] === "version") e[1] = field.value; });
  }

  function submit(form, submitter) {
    var withFiles = Array.prototype.some.call(form.elements, function (el) { return el.type === "file" && el.files && el.files.length; });
    var offline = !!form.dataset.offlineForm;
    var buttons = form.querySelectorAll("button, input[type=submit]");
    settled(form).then(function () { return prepare(form, submitter); }).then(function (entries) {
      if (!entries) return;
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      var done = function () { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); };
      var url = form.getAttribute("action") || location.pathname + location.search;
      var id = sendId();
      var attempt = function () {
        send(url, formData(entries), withFiles ? bar(form) : null, id).then(function (answer) {
          if (UNREACHABLE.indexOf(answer.status) >= 0) {
            if (offline) {
              keep({ user: T.user, key: form.dataset.offlineForm, label: form.dataset.offlineLabel || document.title,
                url: url, page: location.pathname, entries: entries, at: Date.now(), state: "waiting", send: id })
                .then(function () { note(form, t("queued"), "warn"); render(); done(); })
                .catch(function () { note(form, t("dropped"), "bad", [[t("retry"), attempt, "retry"]]); done(); });
            } else {
              note(form, t("dropped"), "bad", [[t("retry"), attempt, "retry"]]);
              done();
            }
            return;
          }
          if (answer.location && !signedOut(answer)) {
            if (offline) forget(draftKey(form));
            if (form.dataset.refresh) {
              var get = new XMLHttpRequest();
              get.open("GET", answer.location);
              get.onload = function () { refresh(form, get.responseText); done(); };
              get.onerror = function () { location.href = answer.location; };
              get.send();
            } else {
              location.href = answer.location;
            }
            return;
          }
          if (signedOut(answer)) { location.href = answer.location; return; }
          if (form.dataset.refresh && answer.html && answer.status < 500 && answer.status !== 413) {
            refresh(form, answer.html); done(); return;
          }
          showPage(answer.html || t("dropped"));
        });
      };
      attempt();
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || form.method.toLowerCase() !== "post" || !window.FormData) return;
    var withFiles = Array.prototype.some.call(form.elements, function (el) { return el.type === "file" && el.files && el.files.length; });
    if (!form.dataset.offlineForm && !withFiles) return;
    ev.preventDefault();
    submit(form, ev.submitter);
  });

  // -- Sending what waits, when the link is back -------------------------------
  var flushing = false;
  function flush() {
    if (flushing) return;
    flushing = true;
    queued().then(function (items) {
      var next = function (i) {
        if (i >= items.length) { flushing = false; render(); return; }
        var item = items[i];
        if (item.state !== "waiting") { next(i + 1); return; }
        currentVersion(item);
        send(item.url, formData(item.entries), null, item.send).then(function (answer) {
          if (UNREACHABLE.indexOf(answer.status) >= 0) { flushing = false; render(); return; }
          if (signedOut(answer)) { item.state = "signin"; keep(item).then(function () { next(i + 1); }); return; }
          if (answer.location) {
            forget("theodoi-draft:" + T.user + ":" + item.key);
            drop(item.id).then(function () {
              sentNow.push(item.label);
              if (location.pathname === item.page) { location.href = answer.location; return; }
              next(i + 1);
            });
            return;
          }
          // Refused (errors, a newer version): the server's page waits for the user.
          item.state = "refused";
          item.html = answer.html;
          keep(item).then(function () { next(i + 1); });
        });
      };
      next(0);
    });
  }
  var sentNow = [];

  function render() {
    queued().then(function (items) {
      var list = panel.querySelector("ul");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var when = new Date(item.at);
        var label = item.label + " · " + when.toLocaleString(document.documentElement.lang || "vi");
        var state = { waiting: t("waiting"), refused: t("refused"), signin: t("signin") }[item.state] || "";
        li.textContent = label + " — " + state + " ";
        if (item.state === "refused") {
          var open = document.createElement("button");
          open.type = "button";
          open.className = "link";
          open.textContent = t("open");
          open.addEventListener("click", function () { drop(item.id).then(function () { showPage(item.html, item.page); }); });
          li.appendChild(open);
        } else if (item.state === "signin") {
          var again = document.createElement("a");
          again.href = T.login + "?next=" + encodeURIComponent(item.page);
          again.textContent = t("signinLink");
          li.appendChild(again);
          item.state = "waiting";
          keep(item);
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = t("remove");
        remove.addEventListener("click", function () {
          if (window.confirm(t("removeConfirm"))) drop(item.id).then(render);
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
      sentNow.forEach(function (label) {
        var li = document.createElement("li");
        li.className = "sent";
        li.textContent = label + " — " + t("sent");
        list.appendChild(li);
      });
      try {
        if (items.length) localStorage.setItem("theodoi-waiting", String(items.length));
        else localStorage.removeItem("theodoi-waiting");
      } catch (e) { /* storage off */ }
      var offline = navigator.onLine === false;
      panel.querySelector(".offline-state").textContent = offline ? t("offline") : "";
      panel.hidden = !items.length && !sentNow.length && !offline;
      if (items.some(function (i) { return i.state === "waiting"; })) schedule();
    });
  }
  var timer = null;
  function schedule() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; flush(); }, 15000);
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);

  // -- Pages kept on this device (the offline page lists them) -----------------
  function listKept() {
    var list = document.getElementById("kept-pages");
    if (!list || !window.caches) return;
    caches.open("theodoi-pages").then(function (cache) { return cache.keys(); }).then(function (keys) {
      keys.forEach(function (request) {
        var url = new URL(request.url);
        if (url.pathname === T.offlinePage) return;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = url.pathname + url.search;
        a.textContent = decodeURIComponent(url.pathname);
        li.appendChild(a);
        list.appendChild(li);
      });
    });
  }

  // -- Upload fields: the "keep the original" choice beside photo inputs -------
  function wireUploads(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input[type=file]"), function (input) {
      if (input.dataset.wired) return;
      input.dataset.wired = "1";
      input.addEventListener("change", function () {
        fileError(input, "");
        Array.prototype.forEach.call(input.files, function (f) {
          // Files that cannot be scaled are refused before anything is sent.
          if (f.size > maxBytes && !IMAGE.test(f.type)) {
            fileError(input, t("tooLarge", { name: f.name, size: (f.size / 1048576).toFixed(1), max: (maxBytes / 1048576).toFixed(0) }));
          }
        });
      });
      if (!/image|jpe?g|png/.test(input.accept || "")) return;
      var label = document.createElement("label");
      label.className = "keep-original";
      label.innerHTML = "<input type='checkbox' data-original> ";
      label.appendChild(document.createTextNode(t("original")));
      input.parentNode.insertBefore(label, input.nextSibling);
    });
  }

  // -- Phones: with the keyboard open, the sticky save bar gives way ----------
  var TYPED = /^(textarea|select)$|^input$/i;
  document.addEventListener("focusin", function (ev) {
    if (window.innerWidth < 640 && TYPED.test(ev.target.tagName) && !/^(checkbox|radio|file|submit|button)$/.test(ev.target.type)) {
      document.body.classList.add("typing");
    }
  });
  document.addEventListener("focusout", function () { document.body.classList.remove("typing"); });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-form]"), watch);
  wireUploads(document);
  listKept();
  render();
  flush();
})();
