// audioguide's read-along player for the publisher's own article page (`audioguide embed`).
//
// The snippet is this script and one element, <div data-audioguide="URL of the episode's
// manifest">, holding a plain <audio controls> and a link: that is what a reader gets when the
// script cannot run. Here the element becomes a player, and the episode's cues are mapped onto
// the page's own paragraphs, list items and headings by their words (not by position), so the
// text the reader already has is the one marked as it is read. Nothing is inline (the page's
// Content-Security-Policy can forbid inline script and style), nothing is fetched from any
// origin but the one serving this file, and article text only ever goes into textContent.
(function () {
  "use strict";

  const BLOCKS = "p, li, h1, h2, h3, h4, h5, h6, blockquote";
  // Page furniture: never mapped, even when it holds the same words.
  const FURNITURE = "nav, aside, footer, form, [role=navigation], [role=complementary], " +
    "[role=contentinfo], [role=banner], [role=search], [hidden], [aria-hidden=true], " +
    "[data-audioguide], [id*=comment i], [class*=comment i]";
  const WINDOW = 12; // how many page blocks past the last match a block is looked for in
  const ENOUGH = 0.5; // word similarity (Dice over the longest common subsequence) to map
  const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  const script = document.currentScript ||
    document.querySelector("script[src$='audioguide-embed.js']");
  const here = script ? script.src : document.baseURI;

  // -- text matching ----------------------------------------------------------------------

  function tokens(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Length of the longest common subsequence of two word lists (long ones cut at 400 words).
  function common(a, b) {
    a = a.slice(0, 400);
    b = b.slice(0, 400);
    let previous = new Array(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const row = [0];
      for (let j = 1; j <= b.length; j++) {
        row.push(a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]));
      }
      previous = row;
    }
    return previous[b.length];
  }

  function similarity(a, b) {
    return a.length + b.length ? 2 * common(a, b) / (a.length + b.length) : 0;
  }

  // The page's readable blocks in document order: inside the article (or main) that holds
  // the player, else the page's main, else its body (not the first article: it may be a
  // teaser or a comment); furniture and blocks that hold other blocks (a list item's
  // paragraphs are mapped, not the item) left out.
  function pageBlocks(player) {
    const root = player.closest("article, main") || document.querySelector("main") ||
      document.body;
    return Array.from(root.querySelectorAll(BLOCKS)).filter(function (el) {
      for (let node = el; node && node !== root; node = node.parentElement) {
        if (node.matches(FURNITURE)) {
          return false;
        }
        if (node.matches("header") && !node.parentElement.closest("article, main, section")) {
          return false; // the page's banner; an article's own header is read
        }
      }
      return !el.querySelector(BLOCKS) && tokens(el.textContent).length > 0;
    });
  }

  // The episode's cues in runs that make one paragraph, item or heading each.
  function cueBlocks(cues) {
    const blocks = [];
    let open = null;
    cues.forEach(function (cue, index) {
      if (cue.kind === "intro") {
        return;
      }
      if (!open || cue.kind === "heading") {
        open = { cues: [], words: [] };
        blocks.push(open);
      }
      open.cues.push(index);
      open.words = open.words.concat(tokens(cue.text));
      if (cue.paragraph_end || cue.kind === "heading") {
        open = null;
      }
    });
    return blocks;
  }

  // Each cue block -> the page block that says the same, greedily in order: the most similar
  // of the next WINDOW page blocks, if similar enough; a block the page holds inside the one
  // just matched (a paragraph the page did not split) goes with it. Returns cue -> element.
  function mapCues(cues, elements) {
    const words = elements.map(function (el) { return tokens(el.textContent); });
    const byCue = new Array(cues.length).fill(null);
    let cursor = 0;
    cueBlocks(cues).forEach(function (block) {
      let best = -1;
      let bestScore = ENOUGH;
      for (let j = cursor; j < Math.min(elements.length, cursor + WINDOW); j++) {
        const score = similarity(block.words, words[j]);
        if (score > bestScore + 1e-9 || (best < 0 && score >= bestScore)) {
          best = j;
          bestScore = score;
        }
      }
      if (best < 0 && cursor > 0 && block.words.length &&
          common(block.words, words[cursor - 1]) >= 0.8 * block.words.length) {
        best = cursor - 1;
      }
      if (best >= 0) {
        block.cues.forEach(function (index) { byCue[index] = elements[best]; });
        cursor = best + 1;
      }
    });
    return byCue;
  }

  // -- small helpers ----------------------------------------------------------------------

  function make(tag, attributes, text) {
    const el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      el.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function clock(seconds) {
    const whole = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(whole / 3600);
    const m = Math.floor(whole / 60) % 60;
    const s = String(whole % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + s : m + ":" + s;
  }

  // The index of the last start at or before t (-1 before the first).
  function lastAtOrBefore(starts, t) {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= t + 0.001) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  const store = {
    get: function (key) {
      try {
        return window.localStorage.getItem(key);
      } catch (e) {
        return null; // storage refused (private mode, sandboxed frame): nothing remembered
      }
    },
    set: function (key, value) {
      try {
        if (value === null) {
          window.localStorage.removeItem(key);
        } else {
          window.localStorage.setItem(key, value);
        }
      } catch (e) {
        // as above
      }
    },
  };

  function addStylesheet() {
    const href = new URL("audioguide-embed.css", here).href;
    const present = Array.from(document.querySelectorAll("link[rel=stylesheet]"))
      .some(function (link) { return link.href === href; });
    if (!present) {
      document.head.appendChild(make("link", { rel: "stylesheet", href: href }));
    }
  }

  // -- word marks: spans inside the element being read only, taken out when it is left -------

  function wrapWords(el, cueWords) {
    const pieces = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest(".audioguide-here") ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      },
    });
    const texts = [];
    while (walker.nextNode()) {
      texts.push(walker.currentNode);
    }
    const spans = [];
    texts.forEach(function (node) {
      const parts = node.nodeValue.split(/(\s+)/);
      const made = parts.map(function (part) {
        if (!part.trim()) {
          return document.createTextNode(part);
        }
        const span = make("span", { "class": "audioguide-word" }, part);
        spans.push(span);
        return span;
      });
      made.forEach(function (child) { node.parentNode.insertBefore(child, node); });
      node.parentNode.removeChild(node);
      pieces.push({ text: node, made: made });
    });
    return { pieces: pieces, spans: alignWords(cueWords, spans) };
  }

  // cue word index -> the span showing it (or null), by the longest common subsequence.
  function alignWords(cueWords, spans) {
    const a = cueWords.map(function (w) { return tokens(w.text).join(" "); });
    const b = spans.map(function (s) { return tokens(s.textContent).join(" "); });
    const table = [];
    for (let i = 0; i <= a.length; i++) {
      table.push(new Array(b.length + 1).fill(0));
    }
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i][j] = a[i] && a[i] === b[j] ? table[i + 1][j + 1] + 1
          : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    const found = new Array(a.length).fill(null);
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] && a[i] === b[j]) {
        found[i++] = spans[j++];
      } else if (table[i + 1][j] >= table[i][j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    return found;
  }

  function unwrapWords(wrapped) {
    wrapped.pieces.forEach(function (piece) {
      const first = piece.made.find(function (node) { return node.parentNode; });
      if (first) {
        first.parentNode.insertBefore(piece.text, first);
      }
      piece.made.forEach(function (node) {
        if (node.parentNode) {
          node.parentNode.removeChild(node);
        }
      });
    });
  }

  // -- the player ---------------------------------------------------------------------------

  function controls(box, episode, audio) {
    const title = episode.title || "this article";
    const ui = make("div", { "class": "audioguide-player", role: "region",
      "aria-label": "Listen to " + title });
    const play = make("button", { type: "button", "class": "audioguide-play" }, "Listen");
    const time = make("span", { "class": "audioguide-time", "aria-hidden": "true" });
    const seek = make("input", { type: "range", "class": "audioguide-seek", min: "0",
      max: String((episode.duration_ms || 0) / 1000), step: "1", value: "0",
      "aria-label": "Position" });
    const speedLabel = make("label", { "class": "audioguide-speed" }, "Speed ");
    const speed = make("select");
    SPEEDS.forEach(function (rate) {
      speed.appendChild(make("option", { value: String(rate) }, rate + "\u00d7"));
    });
    speed.value = "1";
    speedLabel.appendChild(speed);
    const status = make("p", { "class": "audioguide-status", "aria-live": "polite" });
    ui.append(play, time, seek, speedLabel);
    if ((episode.chapters || []).length > 1) {
      const chapterLabel = make("label", { "class": "audioguide-chapter" }, "Chapter ");
      const chapter = make("select");
      episode.chapters.forEach(function (c, n) {
        chapter.appendChild(make("option", { value: String(n) }, c.title));
      });
      chapterLabel.appendChild(chapter);
      ui.appendChild(chapterLabel);
      ui.chapter = chapter;
    }
    const link = box.querySelector("a[href]");
    if (link) {
      link.textContent = "Download";
      link.setAttribute("download", "");
      link.classList.add("audioguide-download");
      ui.appendChild(link);
    }
    ui.appendChild(status);
    audio.removeAttribute("controls");
    audio.setAttribute("preload", "metadata");
    box.replaceChildren(audio, ui);
    return { ui: ui, play: play, time: time, seek: seek, speed: speed, status: status,
      chapter: ui.chapter || null, title: title };
  }

  function start(box) {
    box.setAttribute("data-audioguide-ready", "");
    const source = new URL(box.getAttribute("data-audioguide"), document.baseURI).href;
    fetch(source).then(function (response) {
      if (!response.ok) {
        throw new Error(source + ": " + response.status);
      }
      return response.json();
    }).then(function (episode) {
      if (!episode || !Array.isArray(episode.cues) || episode.manifest_version > 1) {
        throw new Error(source + ": not an episode this player reads");
      }
      player(box, episode, source);
    }).catch(function (error) {
      box.removeAttribute("data-audioguide-ready"); // the plain <audio> stays, and works
      if (window.console) {
        window.console.warn("audioguide:", error.message);
      }
    });
  }

  function player(box, episode, source) {
    let audio = box.querySelector("audio");
    if (!audio) {
      audio = make("audio");
      audio.src = new URL((episode.files || {}).audio || "", source).href;
    }
    const parts = controls(box, episode, audio);
    const cues = episode.cues;
    const starts = cues.map(function (c) { return c.start_ms / 1000; });
    const byCue = mapCues(cues, pageBlocks(box));
    const key = "audioguide:" + (episode.guid || source);
    const state = { reading: null, cue: -1, wrapped: null, word: null, saved: 0 };
    const wordsOn = function () { return box.getAttribute("data-words") === "on"; };

    hereButtons(byCue, starts, playFrom);
    wire();
    remember();
    // One polite announcement, after the region exists (so screen readers notice it).
    window.setTimeout(function () {
      parts.status.textContent = "Audio version of \u201c" + parts.title + "\u201d, " +
        clock((episode.duration_ms || 0) / 1000) + ". Press Listen to play, or Listen from " +
        "here beside a paragraph.";
    }, 500);

    function playFrom(seconds) {
      audio.currentTime = seconds;
      const started = audio.play();
      if (started && started.catch) {
        started.catch(function () {});
      }
    }

    function wire() {
      parts.play.addEventListener("click", function () {
        if (audio.paused) {
          playFrom(audio.currentTime);
        } else {
          audio.pause();
        }
      });
      parts.seek.addEventListener("input", function () {
        audio.currentTime = parseFloat(parts.seek.value);
      });
      parts.speed.addEventListener("change", function () {
        audio.playbackRate = parseFloat(parts.speed.value);
        store.set("audioguide:speed", parts.speed.value);
      });
      if (parts.chapter) {
        parts.chapter.addEventListener("change", function () {
          playFrom(episode.chapters[parseInt(parts.chapter.value, 10)].start_ms / 1000);
        });
      }
      ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) {
        audio.addEventListener(name, update);
      });
      audio.addEventListener("play", function () { showPlaying(); tick(); });
      audio.addEventListener("pause", function () { showPlaying(); save(true); });
      audio.addEventListener("ended", function () { mark(-1); store.set(key, null); });
      window.addEventListener("pagehide", function () { save(true); });
      const rate = store.get("audioguide:speed");
      if (SPEEDS.indexOf(parseFloat(rate)) >= 0) {
        parts.speed.value = rate;
        audio.playbackRate = parseFloat(rate);
      }
    }

    // Where the listener stopped last time, once the audio can seek.
    function remember() {
      const saved = parseFloat(store.get(key));
      const end = (episode.duration_ms || 0) / 1000;
      if (saved > 1 && saved < end - 3) {
        const resume = function () {
          if (audio.currentTime < 0.5) {
            audio.currentTime = saved;
          }
        };
        if (audio.readyState >= 1) {
          resume();
        } else {
          audio.addEventListener("loadedmetadata", resume, { once: true });
        }
        parts.seek.value = String(saved);
        parts.time.textContent = clock(saved) + " / " + clock(end);
      } else {
        update();
      }
    }

    function save(now) {
      const t = audio.currentTime;
      if (now || Math.abs(t - state.saved) >= 5) {
        state.saved = t;
        store.set(key, t > 1 && !audio.ended ? t.toFixed(1) : null);
      }
    }

    function showPlaying() {
      const playing = !audio.paused;
      parts.play.textContent = playing ? "Pause" : "Listen";
      parts.ui.classList.toggle("audioguide-playing", playing);
    }

    function tick() {
      update();
      if (!audio.paused) {
        window.requestAnimationFrame(tick);
      }
    }

    function update() {
      const t = audio.currentTime;
      const end = (episode.duration_ms || 0) / 1000 || audio.duration || 0;
      if (document.activeElement !== parts.seek) {
        parts.seek.value = String(Math.floor(t));
      }
      parts.seek.setAttribute("aria-valuetext", clock(t) + " of " + clock(end));
      parts.time.textContent = clock(t) + " / " + clock(end);
      if (parts.chapter) {
        const n = lastAtOrBefore(episode.chapters.map(function (c) { return c.start_ms / 1000; }), t);
        parts.chapter.value = String(Math.max(0, n));
      }
      if (!audio.paused) {
        save(false);
      }
      mark(audio.ended ? -1 : lastAtOrBefore(starts, t));
      markWord(t);
    }

    // The page element of the cue being read gets data-audioguide-reading.
    function mark(index) {
      const el = index >= 0 ? byCue[index] : null;
      state.cue = index;
      if (el === state.reading) {
        return;
      }
      if (state.wrapped) {
        unwrapWords(state.wrapped);
        state.wrapped = null;
        state.word = null;
      }
      if (state.reading) {
        state.reading.removeAttribute("data-audioguide-reading");
      }
      state.reading = el;
      if (el) {
        el.setAttribute("data-audioguide-reading", "");
      }
    }

    function markWord(t) {
      let span = null;
      const cue = cues[state.cue];
      if (!wordsOn() && state.wrapped) {
        unwrapWords(state.wrapped);
        state.wrapped = null;
        state.word = null;
      }
      if (wordsOn() && state.reading && cue && (cue.words || []).length) {
        if (!state.wrapped) {
          const words = [];
          cues.forEach(function (c, n) {
            if (byCue[n] === state.reading) {
              (c.words || []).forEach(function (w) { words.push(w); });
            }
          });
          state.wrapped = wrapWords(state.reading, words);
          state.words = words;
        }
        const n = lastAtOrBefore(state.words.map(function (w) { return w.start_ms / 1000; }), t);
        if (n >= 0 && t * 1000 <= state.words[n].end_ms + 250) {
          span = state.wrapped.spans[n];
        }
      }
      if (span !== state.word) {
        if (state.word) {
          state.word.removeAttribute("data-audioguide-word");
        }
        if (span) {
          span.setAttribute("data-audioguide-word", "");
        }
        state.word = span;
      }
    }
  }

  // A "Listen from here" button at the end of each mapped element, playing from its first cue.
  function hereButtons(byCue, starts, playFrom) {
    byCue.forEach(function (el, index) {
      if (!el || el.hasAttribute("data-audioguide-from")) {
        return;
      }
      el.setAttribute("data-audioguide-from", starts[index].toFixed(3));
      const button = make("button", { type: "button", "class": "audioguide-here" },
        "Listen from here");
      button.addEventListener("click", function () { playFrom(starts[index]); });
      el.appendChild(button);
    });
  }

  function init() {
    const boxes = document.querySelectorAll("[data-audioguide]:not([data-audioguide-ready])");
    if (boxes.length) {
      addStylesheet();
      boxes.forEach(start);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
