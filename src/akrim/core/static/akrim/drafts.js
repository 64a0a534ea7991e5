/* Never lose what was typed on site.
 *
 * A form with data-draft-key keeps its fields in this browser's localStorage as the user
 * types, fills them in again when the page is opened anew (when the browser's copy is newer
 * than the server's draft), and every few seconds, when online and changed, posts them to
 * the server's draft address (data-draft-url, with the CSRF token) so another device or a
 * lost phone loses nothing either. A page that confirms a save (data-draft-saved) clears
 * the browser's copy; logging out clears every copy. Forms marked data-confirm ask before
 * they remove something. The forms work without this script.
 */
(function () {
  "use strict";

  var PREFIX = "akrim-draft/";
  var MAX_AGE_MS = 12 * 60 * 60 * 1000; // a forgotten draft does not stay on a phone for ever
  var INTERVAL_MS = 5000;

  function store() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage blocked (private mode, policy): the server draft still works
    }
  }

  function read(key) {
    var s = store();
    if (!s) return null;
    try {
      var entry = JSON.parse(s.getItem(key) || "null");
      if (!entry || typeof entry.data !== "object" || typeof entry.at !== "number") return null;
      return entry;
    } catch (e) {
      return null;
    }
  }

  function write(key, data) {
    var s = store();
    if (!s) return;
    try {
      s.setItem(key, JSON.stringify({ at: Date.now(), data: data }));
    } catch (e) {
      /* storage full: the server draft still works */
    }
  }

  function remove(key) {
    var s = store();
    if (s) s.removeItem(key);
  }

  function keys() {
    var s = store();
    var found = [];
    if (!s) return found;
    for (var i = 0; i < s.length; i += 1) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0) found.push(key);
    }
    return found;
  }

  function dropOld() {
    keys().forEach(function (key) {
      var entry = read(key);
      if (!entry || Date.now() - entry.at > MAX_AGE_MS) remove(key);
    });
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var skip = ["file", "hidden", "submit", "button", "reset", "password"];
      return el.name && !el.disabled && skip.indexOf(el.type) === -1;
    });
  }

  function collect(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox") {
        data[el.name] = el.checked ? el.value || "on" : "";
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
        else if (!(el.name in data)) data[el.name] = "";
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(form, data) {
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) return;
      var value = String(data[el.name]);
      if (el.type === "checkbox") el.checked = value !== "";
      else if (el.type === "radio") el.checked = el.value === value;
      else el.value = value;
    });
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function watch(form) {
    var key = form.getAttribute("data-draft-key");
    var url = form.getAttribute("data-draft-url");
    var serverAt = parseInt(form.getAttribute("data-draft-at") || "0", 10) || 0;
    var bound = form.getAttribute("data-draft-bound") === "1";
    var notice = document.querySelector("[data-draft-notice]");
    var sent = JSON.stringify(collect(form));
    var submitting = false;
    var inFlight = null;

    if (bound) {
      // The page shows what was just posted and refused: that is the newest copy.
      write(key, collect(form));
    } else {
      var local = read(key);
      if (local && local.at > serverAt && JSON.stringify(local.data) !== sent) {
        apply(form, local.data);
        if (notice) notice.hidden = false;
      }
    }

    function keep() {
      if (!submitting) write(key, collect(form));
    }

    function push() {
      if (submitting || !url || !navigator.onLine || !window.fetch) return;
      var body = JSON.stringify(collect(form));
      if (body === sent || inFlight) return;
      var controller = window.AbortController ? new AbortController() : null;
      inFlight = controller || true;
      window
        .fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
          body: JSON.stringify({ data: JSON.parse(body) }),
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          // A redirect means the session ended (the login page answered): not saved.
          if (response.ok && !response.redirected) sent = body;
        })
        .catch(function () {
          /* offline or aborted: the browser's copy is kept */
        })
        .then(function () {
          inFlight = null;
        });
    }

    form.addEventListener("akrim-draft-stop", function () {
      submitting = true;
      if (inFlight && inFlight.abort) inFlight.abort();
      remove(key);
    });
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      keep();
      submitting = true; // no autosave may land after the save itself
      if (inFlight && inFlight.abort) inFlight.abort();
    });
    window.setInterval(push, INTERVAL_MS);
    window.addEventListener("online", push);
    window.addEventListener("pagehide", keep);
  }

  function init() {
    dropOld();
    var saved = document.querySelector("[data-draft-saved]");
    if (saved) {
      remove(saved.getAttribute("data-draft-prefix") + saved.getAttribute("data-draft-saved"));
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), watch);
    // A removal asks first (without script it happens at once, as the button says).
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (f) {
      f.addEventListener("submit", function (event) {
        if (!window.confirm(f.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    // Discarding a draft, or logging out, stops the saving and forgets the browser's copy.
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-discard]"), function (f) {
      f.addEventListener("submit", stopAll);
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[action$='/logout/']"), function (f) {
      f.addEventListener("submit", function () {
        stopAll();
        keys().forEach(remove);
      });
    });
  }

  function stopAll() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) {
      form.dispatchEvent(new CustomEvent("akrim-draft-stop"));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
