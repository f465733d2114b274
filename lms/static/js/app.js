/* Site-wide enhancements; every page works without this file.
   - A form sent back with errors: focus moves to its error summary (tabindex="-1",
     role="alert"), so keyboard and screen reader users start at the list of problems instead
     of the top of the page. */
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
