// The read-along player: chapter buttons seek, the spoken sentence and word are highlighted
// (a class only: focus never moves and nothing is announced), a click on a word plays from it,
// the sentence buttons step through the transcript, speed changes.
(function () {
  "use strict";
  var audio = document.getElementById("audio");
  if (!audio) {
    return;
  }
  var cues = Array.prototype.slice.call(document.querySelectorAll("#transcript .cue"));
  var starts = cues.map(function (el) { return parseFloat(el.getAttribute("data-start")); });
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-seek]"));
  var chapterStarts = buttons.map(function (el) { return parseFloat(el.getAttribute("data-seek")); });
  var speed = document.getElementById("speed");
  var follow = document.getElementById("follow");
  var wordsBox = document.getElementById("words");
  // Words in time order, their data-start and data-end in milliseconds.
  var words = Array.prototype.slice.call(document.querySelectorAll("#transcript .w"))
    .map(function (el) {
      return { el: el, start: parseInt(el.getAttribute("data-start"), 10),
               end: parseInt(el.getAttribute("data-end"), 10) };
    })
    .sort(function (a, b) { return a.start - b.start; });
  var wordStarts = words.map(function (w) { return w.start / 1000; });
  var current = -1;
  var currentChapter = -1;
  var currentWord = -1;
  var frame = 0;

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

  // The word being spoken: the last one started, while it lasts (and a little after, so that
  // the mark does not flicker in the short gaps between words).
  function updateWord(t) {
    var index = -1;
    if (!wordsBox || wordsBox.checked) {
      index = lastAtOrBefore(wordStarts, t);
      if (index >= 0 && t * 1000 > words[index].end + 250) {
        index = -1;
      }
    }
    if (index !== currentWord) {
      if (currentWord >= 0) {
        words[currentWord].el.classList.remove("spoken");
      }
      if (index >= 0) {
        words[index].el.classList.add("spoken");
      }
      currentWord = index;
    }
  }

  function seek(seconds) {
    audio.currentTime = Math.max(0, seconds);
    update();
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function () {});
    }
  }

  // timeupdate comes a few times a second: while playing, follow every frame for the words.
  function tick() {
    update();
    frame = audio.paused ? 0 : window.requestAnimationFrame(tick);
  }

  function update() {
    var t = audio.currentTime;
    updateWord(t);
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
  audio.addEventListener("play", function () {
    if (!frame) {
      frame = window.requestAnimationFrame(tick);
    }
  });

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      seek(parseFloat(button.getAttribute("data-seek")));
    });
  });

  var transcript = document.getElementById("transcript");
  if (transcript) {
    transcript.addEventListener("click", function (event) {
      var word = event.target.closest ? event.target.closest(".w") : null;
      if (word && !(window.getSelection && String(window.getSelection()))) {
        seek(parseInt(word.getAttribute("data-start"), 10) / 1000);
      }
    });
  }

  // Sentence by sentence for the keyboard: the buttons keep the focus.
  function step(direction) {
    var t = audio.currentTime;
    var index = lastAtOrBefore(starts, t);
    if (direction < 0 && index >= 0 && t - starts[index] > 1.5) {
      direction = 0; // well into a sentence: back to its start
    }
    var target = Math.min(Math.max(index + direction, 0), starts.length - 1);
    if (target >= 0) {
      seek(starts[target]);
    }
  }
  var previous = document.getElementById("previous");
  var next = document.getElementById("next");
  if (previous) {
    previous.addEventListener("click", function () { step(-1); });
  }
  if (next) {
    next.addEventListener("click", function () { step(1); });
  }
  if (wordsBox) {
    wordsBox.addEventListener("change", function () { update(); });
  }

  if (speed) {
    speed.addEventListener("change", function () {
      var rate = parseFloat(speed.value) || 1;
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
    });
  }
  update();
})();
