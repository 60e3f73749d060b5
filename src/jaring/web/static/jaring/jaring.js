// Every page (base.html): phones and slow links. A file, not inline code: the
// Content-Security-Policy runs only our own scripts.
//
// 1. Wide tables scroll inside their own box: each table of the page that is not
//    already in a .table-responsive box is wrapped in one, so the page itself never
//    scrolls sideways on a phone (also for tables htmx swaps in).
// 2. A slow request shows progress instead of a frozen page: after a form is sent or a
//    link followed, if the next page has not come within 400 ms the bar and the
//    "Memproses..." label at the top (#page-progress) appear. A form's submit buttons
//    are disabled once it is sent, so a second tap does not post it twice.
(function () {
  "use strict";

  var DELAY_MS = 400;
  // A GET form or a link may answer with a download: the page stays, so the
  // indicator goes away again after this long.
  var DOWNLOAD_GIVE_UP_MS = 15000;
  var DOWNLOAD = /\.(xlsx|xls|csv|pdf|zip)(\?|$)/i;

  function wrapTables(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-responsive") || table.closest(".table-responsive")) {
        return;
      }
      var box = document.createElement("div");
      box.className = "table-responsive";
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  var timer = null;
  var giveUp = null;

  function indicator() {
    return document.getElementById("page-progress");
  }

  function showSoon(mayNotNavigate) {
    clearTimeout(timer);
    clearTimeout(giveUp);
    timer = setTimeout(function () {
      var bar = indicator();
      if (bar) {
        bar.hidden = false;
        document.documentElement.setAttribute("aria-busy", "true");
      }
    }, DELAY_MS);
    if (mayNotNavigate) {
      giveUp = setTimeout(reset, DOWNLOAD_GIVE_UP_MS);
    }
  }

  function reset() {
    clearTimeout(timer);
    clearTimeout(giveUp);
    var bar = indicator();
    if (bar) {
      bar.hidden = true;
    }
    document.documentElement.removeAttribute("aria-busy");
    document.querySelectorAll("[data-sent-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-sent-disabled");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.target && form.target !== "_self")) {
      return; // htmx and other scripts handle their own requests; a new tab is not this page
    }
    var isGet = (form.method || "get").toLowerCase() === "get";
    showSoon(isGet || DOWNLOAD.test(form.action));
    if (isGet) {
      return; // a search or filter may be sent again at will
    }
    // After the browser has read the form (a disabled button would not send its value).
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-sent-disabled", "");
        }
      });
    }, 0);
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) {
      return;
    }
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || link.origin !== window.location.origin) {
      return;
    }
    if (link.pathname === window.location.pathname && link.search === window.location.search && link.hash) {
      return; // a jump within this page
    }
    showSoon(DOWNLOAD.test(link.pathname));
  });

  // Back to a page kept in the browser's cache: it is no longer waiting for anything.
  window.addEventListener("pageshow", reset);

  wrapTables(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    wrapTables(event.target);
  });
})();
