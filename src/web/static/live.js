// Pages that follow a job (flussi, notice batches, exports) mark the part that changes with
// data-live="SECONDS". Every so many seconds the page is fetched again and that part is
// replaced by its fresh copy, until the fresh copy no longer asks to be followed. Nothing
// reloads the whole page, so nothing the person is doing is interrupted; without
// JavaScript the "Aggiorna" link does the same by hand.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) {
    return;
  }
  function follow(part) {
    var seconds = parseInt(part.getAttribute("data-live"), 10);
    if (!(seconds > 0) || !part.id) {
      return;
    }
    window.setTimeout(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(part.id);
          if (!fresh) {
            return;
          }
          part.replaceWith(fresh);
          follow(fresh);
        })
        .catch(function () { follow(part); });
    }, seconds * 1000);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-live]"), follow);
})();
