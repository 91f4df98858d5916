// Keyboard shortcuts (/ j k o r i a), select-all, and a toast when HTMX is refused.
// Actions click the page's own buttons (marked data-key), so a key does exactly what the
// button does: same form, same permission check on the server, same fragment swapped back.
(function () {
  "use strict";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }

  function highlight(index) {
    var all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, n) { row.classList.toggle("is-current", n === current); });
    all[current].scrollIntoView({ block: "nearest" });
  }

  function currentRow() { return rows()[current] || null; }

  function selectCurrentIfNone() {
    if (document.querySelector("[data-row] input[name=ids]:checked")) return;
    var row = currentRow();
    var box = row && row.querySelector("input[name=ids]");
    if (box) box.checked = true;
  }

  function press(key) {
    var button = document.querySelector('[data-key="' + key + '"]');
    if (!button) return;
    if (rows().length) {
      selectCurrentIfNone();
      if (!document.querySelector("[data-row] input[name=ids]:checked")) return;
      if (key === "a") {
        var select = document.querySelector("#bulk select[name=assignee]");
        if (select) select.value = select.dataset.me;
      }
    }
    button.click();
  }

  function toast(text) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast-error";
    item.setAttribute("role", "alert");
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "Escape" && typing) { target.blur(); return; }
    if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "/") {
      var search = document.querySelector('[data-key="/"]');
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (event.key === "j") {
      highlight(current + 1);
    } else if (event.key === "k") {
      highlight(current - 1);
    } else if (event.key === "o" || event.key === "Enter") {
      var row = currentRow();
      if (row) window.location.href = row.dataset.href;
    } else if (event.key === "r" || event.key === "i" || event.key === "a") {
      press(event.key);
    }
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-select-all]")) return;
    rows().forEach(function (row) {
      var box = row.querySelector("input[name=ids]");
      if (box) box.checked = event.target.checked;
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "results" || event.detail.target.id === "results") current = -1;
  });

  // Leave empty filters out of GET URLs so shared links stay short and readable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) { if (params[key] === "") delete params[key]; });
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    toast(status === 403 ? "You do not have permission to do that." : "The request failed (" + status + "). Try again.");
  });

  document.addEventListener("htmx:sendError", function () { toast("The console cannot be reached. Check your connection."); });
})();
