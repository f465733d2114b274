/* The knowledge test page, progressively enhanced (the page works without this file):
   - each question form is saved with fetch when an answer changes (and on "Save answer"),
     one request at a time, and "Saved" is announced in a polite live region; a partly
     chosen order is saved too (the server keeps it), one with a step (or a matching item)
     chosen twice waits;
   - the clock counts down from the time the server rendered, re-synced on every save, and
     announces only at 10, 5 and 1 minutes left. The server decides when the time is up. */
(function () {
  "use strict";

  var timer = document.getElementById("quiz-timer");
  var clock = document.getElementById("quiz-clock");
  var announcer = document.getElementById("quiz-announcer");
  var saveStatus = document.getElementById("quiz-save-status");
  if (!timer || !clock) { return; }

  var endAt = Date.now() + parseInt(timer.dataset.remaining, 10) * 1000;
  var thresholds = [10, 5, 1];
  var announced = {};
  var leaving = false;

  function secondsLeft() { return Math.max(0, Math.round((endAt - Date.now()) / 1000)); }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function markPassedThresholds() {
    var left = secondsLeft();
    thresholds.forEach(function (t) { if (left <= t * 60) { announced[t] = true; } });
  }

  function goToResult() {
    if (leaving) { return; }
    leaving = true;
    // A little later than the deadline, so that the server has certainly passed it too.
    window.setTimeout(function () { window.location.assign(timer.dataset.doneUrl); }, 2000);
  }

  function tick() {
    var left = secondsLeft();
    clock.textContent = format(left);
    thresholds.forEach(function (t) {
      if (!announced[t] && left <= t * 60 && left > 0) {
        announced[t] = true;
        announcer.textContent = timer.getAttribute("data-warn-" + t);
      }
    });
    if (left === 0) { goToResult(); }
  }

  function sync(seconds) {
    endAt = Date.now() + seconds * 1000;
  }

  markPassedThresholds();
  tick();
  window.setInterval(tick, 1000);

  var queue = Promise.resolve();

  function save(form) {
    var status = form.querySelector(".quiz-saved");
    status.textContent = status.dataset.saving;
    queue = queue.then(function () {
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        status.textContent = data.message;
        saveStatus.textContent = data.announcement || data.message;
        if (typeof data.remaining_seconds === "number") { sync(data.remaining_seconds); }
        if (data.status === "closed" && data.redirect) {
          leaving = true;
          window.location.assign(data.redirect);
        }
      }).catch(function () {
        status.textContent = status.dataset.failed;
        saveStatus.textContent = status.dataset.failed;
      });
    });
  }

  // An ordering question is filled in one step at a time, and moving a step means choosing it
  // in its new place before clearing the old one (a matching item alike): while a step or an
  // item is chosen twice, wait quietly (the server would refuse it).
  function chosenTwice(form) {
    var seen = {}, twice = false;
    var selects = form.querySelectorAll("select[name$='-order'], select[name*='-match-']");
    Array.prototype.forEach.call(selects, function (select) {
      if (select.value && seen[select.value]) { twice = true; }
      seen[select.value] = true;
    });
    return twice;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.quiz-question"), function (form) {
    form.addEventListener("change", function () {
      if (chosenTwice(form)) {
        var status = form.querySelector(".quiz-saved");
        status.textContent = status.dataset.twice;
        return;
      }
      save(form);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(form);
    });
  });
})();
