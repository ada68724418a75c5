/*
 * ui.js — helpers shared by the web UI pages (no framework, no build step):
 * JSON fetches, element building (text only: data never becomes HTML),
 * airlift duration parsing and formatting, state badges, polling.
 */
"use strict";

const shoal = (() => {
  const FINAL_STATES = new Set(["FINISHED", "FAILED"]);

  /* GET a JSON document; resolves {status, body} (body null when not JSON). */
  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    let body = null;
    if (response.ok) {
      try { body = await response.json(); } catch (e) { body = null; }
    }
    return { status: response.status, body };
  }

  /* el("td", {class: "x"}, "text", childNode...) */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node) node.textContent = text === undefined || text === null ? "" : String(text);
  }

  function stateBadge(state) {
    return el("span", { class: "state state-" + String(state || "UNKNOWN").toLowerCase() }, state || "UNKNOWN");
  }

  /* airlift Duration ("752.50us", "3.21m") to milliseconds; NaN if unparsable. */
  function durationMillis(text) {
    const match = /^([0-9.]+)\s*(ns|us|ms|s|m|h|d)$/.exec(String(text || "").trim());
    if (!match) return NaN;
    const scale = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[match[2]];
    return parseFloat(match[1]) * scale;
  }

  function formatMillis(ms) {
    if (!isFinite(ms)) return "";
    if (ms < 1) return ms.toFixed(2) + " ms";
    if (ms < 1000) return ms.toFixed(0) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(2) + " s";
    const minutes = Math.floor(ms / 60000);
    const seconds = Math.floor((ms % 60000) / 1000);
    if (minutes < 60) return minutes + "m " + seconds + "s";
    return Math.floor(minutes / 60) + "h " + (minutes % 60) + "m";
  }

  function formatTime(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleTimeString([], { hour12: false }) + "." +
      String(date.getMilliseconds()).padStart(3, "0");
  }

  function isFinal(state) {
    return FINAL_STATES.has(state);
  }

  /* Calls `refresh` now and then every `interval` ms until it returns false. */
  function poll(refresh, interval) {
    const tick = async () => {
      let again = true;
      try {
        again = (await refresh()) !== false;
        setText("status-line", "Updated " + new Date().toLocaleTimeString([], { hour12: false }));
        document.body.classList.remove("offline");
      } catch (e) {
        setText("status-line", "Cannot reach the coordinator: " + e.message);
        document.body.classList.add("offline");
      }
      if (again) setTimeout(tick, interval);
    };
    tick();
  }

  return { getJson, el, setText, stateBadge, durationMillis, formatMillis, formatTime, isFinal, poll };
})();
