/* Site-wide enhancements; every page works without this file.
   - A form sent back with errors: focus moves to its error summary (tabindex="-1",
     role="alert"), so keyboard and screen reader users start at the list of problems instead
     of the top of the page.
   - Switching language reloads the page: what was typed in its forms is carried over in this
     tab's sessionStorage and put back once, on the same page. Passwords, files and hidden
     fields (tokens) are never stored. */
(function () {
  "use strict";

  var KEY = "academy-typed-before-language-switch";
  var SKIPPED = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function pageForms() {
    return Array.prototype.slice.call(document.querySelectorAll("main form"));
  }

  function keep() {
    var forms = pageForms().map(function (form) {
      return Array.prototype.map.call(form.elements, function (el) {
        if (!el.name || SKIPPED[el.type]) { return null; }
        if (el.type === "checkbox" || el.type === "radio") { return [el.name, el.checked]; }
        return [el.name, el.value];
      });
    });
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname, forms: forms }));
    } catch (e) { /* storage full or off: the switch still works, the text is not kept */ }
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (e) { return; }
    if (!saved || saved.path !== location.pathname) { return; }
    pageForms().forEach(function (form, f) {
      var fields = saved.forms[f] || [];
      Array.prototype.forEach.call(form.elements, function (el, i) {
        var field = fields[i];
        if (!field || field[0] !== el.name) { return; }  // a different form: leave it alone
        if (el.type === "checkbox" || el.type === "radio") { el.checked = field[1]; }
        else { el.value = field[1]; }
      });
    });
  }

  var switcher = document.querySelector("form.language-switch");
  if (switcher) { switcher.addEventListener("submit", keep); }
  restore();

  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
