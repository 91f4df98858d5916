// Correlation panels: tell the server the reader's time zone, copy LogQL, keep the error line
// in view, and keep the live tail bounded (at most MAX_TAIL_ROWS rows in the page).
(function () {
  "use strict";
  if (window.triageCorrelation) return;
  window.triageCorrelation = true;
  var MAX_TAIL_ROWS = 1000;

  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    if (!/^[A-Za-z0-9_+\-\/]{1,63}$/.test(zone)) zone = "";
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + ";path=/;max-age=31536000;samesite=lax";
    }
  } catch (e) { /* no Intl: the server's zone applies */ }

  // A whole page drawn in another zone (the first visit) is drawn again, once per session.
  var page = document.querySelector("[data-zone-page]");
  if (zone && page && page.getAttribute("data-zone-page") !== zone) {
    try {
      if (!sessionStorage.getItem("triage-tz-redrawn")) {
        sessionStorage.setItem("triage-tz-redrawn", "1");
        location.reload();
      }
    } catch (e) { /* no storage: keep the server's zone */ }
  }

  // A panel drawn before the cookie existed shows the server's zone: draw it once more.
  var redrawn = {};
  function redrawInReadersZone(root) {
    if (!zone || !window.htmx || !root.querySelectorAll) return;
    var panels = root.querySelectorAll("[data-zone][data-url]");
    Array.prototype.forEach.call(panels, function (panel) {
      var url = panel.getAttribute("data-url");
      if (panel.getAttribute("data-zone") === zone || redrawn[url]) return;
      redrawn[url] = true;
      window.htmx.ajax("GET", url, { target: "#" + panel.id, swap: "outerHTML" });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1200);
    });
  });

  function centreHit(root) {
    var hit = root.querySelector && root.querySelector(".ll.hit");
    var box = hit && hit.closest(".loglines");
    if (box) box.scrollTop = hit.offsetTop - box.offsetTop - box.clientHeight / 2 + hit.offsetHeight;
  }

  function trimTail() {
    var rows = document.getElementById("tail-rows");
    if (!rows) return;
    while (rows.children.length > MAX_TAIL_ROWS) rows.removeChild(rows.firstElementChild);
    var box = rows.closest(".loglines");
    if (box && box.dataset.follow !== "off") box.scrollTop = box.scrollHeight;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    if (target.id === "log-context" || target.querySelector("#log-context")) centreHit(target);
    redrawInReadersZone(target.parentNode || target);
  });
  document.addEventListener("htmx:oobAfterSwap", trimTail);
  document.addEventListener("scroll", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("tail-box")) return;
    box.dataset.follow = box.scrollHeight - box.scrollTop - box.clientHeight < 40 ? "on" : "off";
  }, true);
  centreHit(document);
  redrawInReadersZone(document);
})();
