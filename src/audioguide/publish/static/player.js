// The read-along player: chapter buttons seek, the spoken sentence is highlighted, speed changes.
(function () {
  "use strict";
  var audio = document.getElementById("audio");
  if (!audio) {
    return;
  }
  var cues = Array.prototype.slice.call(document.querySelectorAll("#transcript [data-start]"));
  var starts = cues.map(function (el) { return parseFloat(el.getAttribute("data-start")); });
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-seek]"));
  var chapterStarts = buttons.map(function (el) { return parseFloat(el.getAttribute("data-seek")); });
  var speed = document.getElementById("speed");
  var follow = document.getElementById("follow");
  var current = -1;
  var currentChapter = -1;

  // The index of the last start at or before t (-1 before the first): starts are in order.
  function lastAtOrBefore(list, t) {
    var low = 0;
    var high = list.length - 1;
    var found = -1;
    while (low <= high) {
      var mid = (low + high) >> 1;
      if (list[mid] <= t + 0.001) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  function visible(el) {
    var box = el.getBoundingClientRect();
    var player = document.querySelector(".player");
    var top = player ? player.getBoundingClientRect().bottom : 0;
    return box.top >= top && box.bottom <= window.innerHeight;
  }

  function update() {
    var t = audio.currentTime;
    var index = lastAtOrBefore(starts, t);
    if (index !== current) {
      if (current >= 0) {
        cues[current].classList.remove("current");
        cues[current].removeAttribute("aria-current");
      }
      if (index >= 0) {
        var cue = cues[index];
        cue.classList.add("current");
        cue.setAttribute("aria-current", "true");
        if (follow && follow.checked && !audio.paused && !visible(cue)) {
          cue.scrollIntoView({ block: "center" });
        }
      }
      current = index;
    }
    var chapter = lastAtOrBefore(chapterStarts, t);
    if (chapter !== currentChapter) {
      if (currentChapter >= 0) {
        buttons[currentChapter].removeAttribute("aria-current");
      }
      if (chapter >= 0) {
        buttons[chapter].setAttribute("aria-current", "true");
      }
      currentChapter = chapter;
    }
  }

  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  audio.addEventListener("seeking", update);

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      audio.currentTime = parseFloat(button.getAttribute("data-seek"));
      update();
      var playing = audio.play();
      if (playing && playing.catch) {
        playing.catch(function () {});
      }
    });
  });

  if (speed) {
    speed.addEventListener("change", function () {
      var rate = parseFloat(speed.value) || 1;
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
    });
  }
  update();
})();
