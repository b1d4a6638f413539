// The staff console's small enhancements; every page also works without them.
// - the language picker applies itself; Enter sends a text box marked data-submit-on-enter (Shift+Enter: new line);
// - the queue and an open conversation refresh themselves (polling the server's JSON every few seconds).
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var apply = select.form.querySelector(".lang-apply");
    if (apply) apply.hidden = true;
  });

  document.querySelectorAll("textarea[data-submit-on-enter]").forEach(function (box) {
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (box.value.trim()) {
          var button = box.form.querySelector("button[type=submit]");
          if (box.form.requestSubmit) box.form.requestSubmit(button || undefined); else box.form.submit();
        }
      }
    });
  });

  function poll(url, every, handle) {
    var busy = false;
    window.setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (data) { if (data) handle(data); })
        .catch(function () {})
        .then(function () { busy = false; });
    }, every);
  }

  var queue = document.getElementById("queue-list");
  if (queue) {
    poll(function () { return queue.dataset.poll; }, 4000, function (data) {
      if (typeof data.html === "string") queue.innerHTML = data.html;
    });
  }

  var transcript = document.getElementById("transcript");
  if (transcript) {
    poll(function () { return transcript.dataset.poll + "?after=" + encodeURIComponent(transcript.dataset.last); },
      2500, function (data) {
        if (data.html) transcript.insertAdjacentHTML("beforeend", data.html);
        if (typeof data.last === "number") transcript.dataset.last = String(data.last);
        if (data.state && data.state !== transcript.dataset.state) window.location.reload();
      });
  }
})();
