// Live preview of the form designer. As the operator edits the rows, they are posted as a
// preview — the very request the "Anteprima" button sends — and the page's preview is
// replaced by the one the server draws, so the form is rendered in one place only.
// Without JavaScript the button does the same with a page load.
(function () {
  "use strict";
  var form = document.querySelector("form.designer");
  var preview = document.querySelector("section.preview");
  var status = document.getElementById("designer-status");
  if (!form || !preview || !window.fetch || !window.DOMParser) {
    return;
  }
  // Not form.action: the buttons are named "action", and that name shadows it.
  var target = form.getAttribute("action");
  var timer = null;
  var latest = 0;
  function refresh() {
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "preview");
    var mine = ++latest;
    fetch(target, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== latest) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("section.preview");
        if (fresh) {
          preview.replaceWith(fresh);
          preview = fresh;
        }
        var alert = page.querySelector("p.alert");
        if (status) {
          status.textContent = alert ? alert.textContent : "";
        }
      })
      .catch(function () {});
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
