// Progressive enhancement: when the viewer has no time zone on their profile, show the
// webinar's time in the browser's own zone as well (the server cannot know it).
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-local-time]");
  var browserZone;
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  blocks.forEach(function (block) {
    if (block.dataset.viewerZone || !browserZone || browserZone === block.dataset.zone) {
      return;
    }
    var start = new Date(block.dataset.localTime);
    var end = block.dataset.localEnd ? new Date(block.dataset.localEnd) : null;
    var day = new Intl.DateTimeFormat(undefined, {
      weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZone: browserZone,
    });
    var hour = new Intl.DateTimeFormat(undefined, {
      hour: "2-digit", minute: "2-digit", timeZone: browserZone,
    });
    var target = block.querySelector(".browser-time");
    if (!target) {
      return;
    }
    target.textContent = target.dataset.label + " (" + browserZone + "): " + day.format(start) +
      (end ? "–" + hour.format(end) : "");
    target.hidden = false;
    target.insertAdjacentHTML("beforebegin", "<br>");
  });
})();
