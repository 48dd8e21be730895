// newsdex search page: the URL holds the whole state (q, sort, filters,
// dates, page), so a search can be shared and the back button works.
// /articles/{id} is the same page showing one article.
"use strict";

const KINDS = [["person", "People"], ["org", "Organisations"], ["place", "Places"]];
// Facets of the sidebar: the entity kinds, then who wrote and what is cited.
const FACETS = [...KINDS, ["source", "Sources"], ["author", "Authors"], ["ticker", "Tickers"]];
const PAGE = 10;
const SHOWN = 10; // facet values shown before "more"
const MORE = 50;
const $ = (id) => document.getElementById(id);

function state() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    sort: p.get("sort") || "",
    since: p.get("since") || "",
    until: p.get("until") || "",
    by: p.get("by") || "",
    offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
    more: p.get("more") || "",
    any: p.getAll("any"),
    literal: p.get("literal") === "1",
    ...Object.fromEntries(FACETS.map(([k]) => [k, p.getAll(k)])),
    ...Object.fromEntries(FACETS.map(([k]) => ["not_" + k, p.getAll("not_" + k)])),
  };
}

// The page's own URL for a state.
function toQuery(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.sort) p.set("sort", s.sort);
  if (s.since) p.set("since", s.since);
  if (s.until) p.set("until", s.until);
  if (s.by) p.set("by", s.by);
  if (s.offset) p.set("offset", String(s.offset));
  if (s.more) p.set("more", s.more);
  if (s.literal) p.set("literal", "1");
  for (const k of s.any) p.append("any", k);
  for (const [k] of FACETS) {
    for (const v of s[k]) p.append(k, v);
    for (const v of s["not_" + k]) p.append("not_" + k, v);
  }
  return p.toString();
}

const quoted = (v) => '"' + v.replace(/"/g, " ") + '"';

// The API's query for a state: exclusions and "any of" become query text.
function apiQuery(s) {
  const p = new URLSearchParams();
  const parts = [s.q.trim() || "*"];
  for (const [k] of FACETS) {
    for (const v of s["not_" + k]) parts.push(`-${k}:${quoted(v)}`);
    if (s.any.includes(k) && s[k].length > 1) parts.push("(" + s[k].map((v) => `${k}:${quoted(v)}`).join(" OR ") + ")");
    else for (const v of s[k]) p.append(k, v);
  }
  p.set("q", parts.length > 1 && parts[0] === "*" ? parts.slice(1).join(" ") : parts.join(" "));
  // An empty query lists the newest articles.
  p.set("sort", s.sort || (s.q.trim() ? "relevance" : "date"));
  if (s.since) p.set("since", s.since);
  if (s.until) p.set("until", s.until);
  p.set("by", s.by && s.by !== "auto" ? s.by : "month");
  if (s.offset) p.set("offset", String(s.offset));
  if (s.more) p.set("facet_limit", String(MORE));
  if (s.literal) p.set("forgiving", "false");
  p.set("limit", String(PAGE));
  return p.toString();
}

function go(s, replace) {
  const qs = toQuery(s);
  const url = "/" + (qs ? "?" + qs : "");
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  route();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") e.addEventListener("click", v);
    else if (k === "html") e.innerHTML = v; // only for *_html, escaped by the server
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

const same = (a, b) => a.toLowerCase() === b.toLowerCase();

function toggle(kind, name, list) {
  const s = state();
  const key = list || kind;
  const i = s[key].findIndex((v) => same(v, name));
  if (i >= 0) s[key].splice(i, 1); else s[key].push(name);
  // A value is either wanted or excluded, not both.
  const other = key.startsWith("not_") ? kind : "not_" + kind;
  s[other] = s[other].filter((v) => !same(v, name));
  s.offset = 0;
  go(s);
}

const articlePath = (id) => id.split("/").map(encodeURIComponent).join("/");
const articleUrl = (id, q) => "/articles/" + articlePath(id) + (q ? "?q=" + encodeURIComponent(q) : "");

let inflight = null;
async function fetchJson(url, signal) {
  const r = await fetch(url, { signal });
  const body = await r.json().catch(() => ({ error: { message: r.statusText } }));
  if (!r.ok) {
    const e = new Error(body.error ? body.error.message : r.statusText);
    e.detail = body.error || {};
    throw e;
  }
  return body;
}

// ---- dates -------------------------------------------------------------

const pad = (n) => String(n).padStart(2, "0");
const ymd = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

// First and last day of a bucket: 2023, 2023-09, 2023-W37 or 2023-09-13.
function bucketDays(v) {
  let m;
  if ((m = /^(\d{4})$/.exec(v))) return [`${m[1]}-01-01`, `${m[1]}-12-31`];
  if ((m = /^(\d{4})-(\d{2})$/.exec(v))) {
    const last = new Date(Date.UTC(+m[1], +m[2], 0));
    return [`${v}-01`, ymd(last)];
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(v))) {
    // ISO week 1 holds 4 January; weeks start on Monday.
    const jan4 = new Date(Date.UTC(+m[1], 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 864e5 + (+m[2] - 1) * 7 * 864e5);
    return [ymd(monday), ymd(new Date(monday.getTime() + 6 * 864e5))];
  }
  return [v, v];
}

// A date the API accepts (2023, 2023-09, 7d...) as a day for <input type=date>.
function asDay(v, end) {
  if (/^\d{4}(-\d{2})?$/.test(v) || /^\d{4}-W\d{2}$/.test(v)) return bucketDays(v)[end ? 1 : 0];
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : "";
}

// Buckets summed per year: the interval that fits a long archive.
function byYear(buckets) {
  const out = [];
  for (const b of buckets) {
    const y = b.value.slice(0, 4);
    if (out.length && out[out.length - 1].value === y) out[out.length - 1].count += b.count;
    else out.push({ value: y, count: b.count });
  }
  return out;
}

const chart = { buckets: [], cursor: -1, anchor: -1, drag: null };

function renderDates(s, facets) {
  let buckets = facets.dates || [];
  const box = $("chart-box");
  const fit = Math.max(8, Math.floor(box.clientWidth / 4));
  let by = s.by || "auto";
  if (by === "auto") by = buckets.length > fit ? "year" : "month";
  if (by === "year" && facets.interval !== "year") buckets = byYear(buckets);
  chart.buckets = buckets;
  chart.cursor = Math.min(chart.cursor, buckets.length - 1);
  $("dates").hidden = buckets.length < 2 && !s.since && !s.until;
  $("since").value = asDay(s.since, false);
  $("until").value = asDay(s.until, true);
  $("by").value = s.by;
  drawChart();
}

function drawChart() {
  const c = $("chart");
  const axis = $("axis");
  const buckets = chart.buckets;
  c.replaceChildren();
  axis.replaceChildren();
  if (!buckets.length) return;
  const max = Math.max(...buckets.map((b) => b.count), 1);
  // Bars at least 3 px wide: a long interval scrolls inside its own box.
  const width = Math.max($("chart-box").clientWidth, buckets.length * 3);
  c.style.width = width + "px";
  axis.style.width = width + "px";
  const [lo, hi] = selection();
  buckets.forEach((b, i) => {
    const bar = el("div", {
      class: "bar" + (i >= lo && i <= hi ? " sel" : "") + (i === chart.cursor ? " cursor" : ""),
      title: `${b.value}: ${b.count} article${b.count === 1 ? "" : "s"}`,
      "data-i": String(i),
    });
    bar.style.height = Math.max(2, Math.round((b.count / max) * 100)) + "%";
    c.append(bar);
  });
  // Labels at least 48 px apart: each year's first bucket where buckets
  // are finer than years and too many to label, else every step-th.
  const perBar = width / buckets.length;
  const add = (text, i) => {
    const t = el("span", {}, text);
    t.style.left = (i + 0.5) * perBar + "px";
    axis.append(t);
  };
  if (buckets[0].value.length > 4 && buckets.length * 64 > width) {
    let lastX = -1e9;
    buckets.forEach((b, i) => {
      const year = b.value.slice(0, 4);
      if (i > 0 && buckets[i - 1].value.slice(0, 4) === year) return;
      const x = (i + 0.5) * perBar;
      if (x - lastX < 48) return;
      lastX = x;
      add(year, i);
    });
  } else {
    const step = Math.max(1, Math.ceil(64 / perBar));
    buckets.forEach((b, i) => { if (i % step === 0) add(b.value, i); });
  }
}

function selection() {
  if (chart.drag) return [Math.min(chart.drag.from, chart.drag.to), Math.max(chart.drag.from, chart.drag.to)];
  if (chart.anchor >= 0 && chart.cursor >= 0) return [Math.min(chart.anchor, chart.cursor), Math.max(chart.anchor, chart.cursor)];
  return [-1, -1];
}

function say(text) { $("chart-status").textContent = text; }

// Narrows to buckets lo..hi; one bucket of a month or year also opens its days or months.
function selectRange(lo, hi) {
  const b = chart.buckets;
  if (lo < 0 || hi < 0 || !b.length) return;
  const s = state();
  s.since = bucketDays(b[lo].value)[0];
  s.until = bucketDays(b[hi].value)[1];
  if (lo === hi) s.by = /^\d{4}$/.test(b[lo].value) ? "month" : /^\d{4}-\d{2}$/.test(b[lo].value) ? "day" : s.by;
  s.offset = 0;
  chart.anchor = -1;
  chart.cursor = -1;
  go(s);
}

function barAt(ev) {
  const c = $("chart");
  const r = c.getBoundingClientRect();
  const i = Math.floor(((ev.clientX - r.left) / r.width) * chart.buckets.length);
  return Math.max(0, Math.min(chart.buckets.length - 1, i));
}

function setupChart() {
  const c = $("chart");
  c.addEventListener("pointerdown", (ev) => {
    if (!chart.buckets.length) return;
    const i = barAt(ev);
    chart.drag = { from: i, to: i };
    c.setPointerCapture(ev.pointerId);
    drawChart();
  });
  c.addEventListener("pointermove", (ev) => {
    if (!chart.drag) return;
    chart.drag.to = barAt(ev);
    const [lo, hi] = selection();
    say(`${chart.buckets[lo].value} – ${chart.buckets[hi].value}`);
    drawChart();
  });
  const end = () => {
    if (!chart.drag) return;
    const [lo, hi] = selection();
    chart.drag = null;
    selectRange(lo, hi);
  };
  c.addEventListener("pointerup", end);
  c.addEventListener("pointercancel", () => { chart.drag = null; drawChart(); });
  c.addEventListener("keydown", (ev) => {
    const n = chart.buckets.length;
    if (!n) return;
    const moves = { ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10 };
    if (ev.key in moves || ev.key === "Home" || ev.key === "End") {
      ev.preventDefault();
      const from = chart.cursor < 0 ? (ev.key === "ArrowLeft" ? n : -1) : chart.cursor;
      if (ev.shiftKey && chart.anchor < 0) chart.anchor = Math.max(0, Math.min(n - 1, from));
      if (!ev.shiftKey) chart.anchor = -1;
      chart.cursor = ev.key === "Home" ? 0 : ev.key === "End" ? n - 1 : Math.max(0, Math.min(n - 1, from + moves[ev.key]));
      const b = chart.buckets[chart.cursor];
      const [lo, hi] = selection();
      say(lo >= 0 ? `${chart.buckets[lo].value} – ${chart.buckets[hi].value} selected; Enter narrows to it`
        : `${b.value}: ${b.count} article${b.count === 1 ? "" : "s"}`);
      drawChart();
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      const [lo, hi] = selection();
      if (lo >= 0) selectRange(lo, hi); else if (chart.cursor >= 0) selectRange(chart.cursor, chart.cursor);
    } else if (ev.key === "Escape") {
      chart.anchor = -1; chart.cursor = -1; say(""); drawChart();
    }
  });
  const dateInput = (key) => (ev) => {
    const s = state();
    s[key] = ev.target.value;
    s.offset = 0;
    go(s);
  };
  $("since").addEventListener("change", dateInput("since"));
  $("until").addEventListener("change", dateInput("until"));
  $("by").addEventListener("change", (ev) => go({ ...state(), by: ev.target.value }));
  window.addEventListener("resize", () => { if (!$("results").hidden) drawChart(); });
}

// ---- results -------------------------------------------------------------

function renderActive(s) {
  const box = $("active");
  box.replaceChildren();
  const label = Object.fromEntries(FACETS);
  for (const [k] of FACETS) {
    for (const v of s[k]) box.append(el("button", { type: "button", class: "chip on " + k, title: "Remove this filter", onclick: () => toggle(k, v) }, `${v} ✕`));
    for (const v of s["not_" + k]) box.append(el("button", { type: "button", class: "chip not " + k, title: "Remove this exclusion", onclick: () => toggle(k, v, "not_" + k) }, `not ${v} ✕`));
    if (s.any.includes(k) && s[k].length > 1) box.append(el("span", { class: "meta" }, `any of these ${label[k].toLowerCase()}`));
  }
  if (s.since || s.until) {
    const range = s.since === s.until ? s.since : `${s.since || "…"} – ${s.until || "…"}`;
    box.append(el("button", { type: "button", class: "chip on", title: "Remove the date range", onclick: () => go({ ...state(), since: "", until: "", by: "", offset: 0 }) }, `Dates ${range} ✕`));
  }
}

function renderFacets(s, facets) {
  const box = $("facets");
  box.replaceChildren();
  box.append(el("h2", { class: "sr" }, "Narrow by"));
  for (const [k, label] of FACETS) {
    const values = facets[k] || [];
    const chosen = new Set(s[k].map((v) => v.toLowerCase()));
    if (!values.length && !chosen.size) continue;
    const open = s.more === k;
    const group = el("section", { class: "facet-group", "aria-label": label });
    const list = el("ul");
    const shown = open ? values : values.slice(0, SHOWN);
    for (const f of shown) {
      const on = chosen.has(f.value.toLowerCase());
      const est = facets.estimated && KINDS.some(([kk]) => kk === k);
      list.append(el("li", { "data-value": f.value.toLowerCase() },
        el("button", { type: "button", class: "facet" + (on ? " on" : ""), "data-kind": k, "aria-pressed": on ? "true" : "false", onclick: () => toggle(k, f.value) },
          el("span", { class: "v" }, f.value), el("span", { class: "n" }, (est ? "≈" : "") + f.count.toLocaleString("en"))),
        el("button", { type: "button", class: "exclude", title: `Exclude ${f.value}`, "aria-label": `Exclude ${f.value}`, onclick: () => toggle(k, f.value, "not_" + k) }, "−")));
    }
    const head = el("h3", {}, label);
    group.append(head);
    if (values.length > SHOWN || open) {
      const filter = el("input", { type: "search", class: "facet-filter", placeholder: `Filter ${label.toLowerCase()}`, "aria-label": `Filter ${label.toLowerCase()}` });
      filter.addEventListener("input", () => {
        const t = filter.value.trim().toLowerCase();
        for (const li of list.children) li.hidden = t !== "" && !li.dataset.value.includes(t);
      });
      group.append(filter);
    }
    group.append(list);
    const row = el("div", { class: "facet-row" });
    if (values.length >= SHOWN || open) {
      row.append(el("button", { type: "button", class: "link", "aria-expanded": open ? "true" : "false",
        onclick: () => go({ ...state(), more: open ? "" : k }) }, open ? "Fewer" : "More"));
    }
    if (s[k].length > 1) {
      const any = s.any.includes(k);
      row.append(el("button", { type: "button", class: "link", "aria-pressed": any ? "true" : "false",
        onclick: () => { const st = state(); st.any = any ? st.any.filter((x) => x !== k) : [...st.any, k]; st.offset = 0; go(st); } },
        any ? "Match all of them" : "Match any of them"));
    }
    if (row.children.length) group.append(row);
    box.append(group);
  }
  if (facets.estimated) {
    box.append(el("p", { class: "meta note" }, "≈ People, organisations and places are counted in an even sample of a large result set; totals and dates are exact."));
  }
}

function chipsOf(s, h) {
  const chips = el("div", { class: "chips" });
  let n = 0;
  for (const [k] of KINDS) {
    for (const name of (h.entities[k] || []).slice(0, 3)) {
      if (n++ >= 6) break;
      const on = s[k].some((v) => same(v, name));
      chips.append(el("button", { type: "button", class: `chip ${k}` + (on ? " on" : ""), title: `Filter by ${name}`, onclick: () => toggle(k, name) }, name));
    }
  }
  return chips;
}

function renderHits(s, r) {
  const list = $("hits");
  list.replaceChildren();
  const q = r.corrected_query || s.q;
  for (const h of r.hits) {
    const item = el("li", { class: "hit" },
      el("h2", {}, el("a", { class: "open", href: articleUrl(h.id, q) }, h.title || h.id)),
      el("div", { class: "meta" }, [h.date || "undated", h.path].join(" · ")),
      el("p", { class: "snippet", html: h.snippet_html }),
      chipsOf(s, h));
    if (h.similar.length) {
      const d = el("details", { class: "similar" }, el("summary", {}, `+${h.similar.length} similar`));
      const ul = el("ul");
      for (const id of h.similar) ul.append(el("li", {}, el("a", { href: articleUrl(id, q) }, id)));
      d.append(ul);
      item.append(d);
    }
    list.append(item);
  }
}

function renderPages(s, r) {
  const nav = $("pages");
  nav.replaceChildren();
  if (r.total <= PAGE && s.offset === 0) return;
  const page = Math.floor(s.offset / PAGE) + 1;
  const prev = el("button", { type: "button", onclick: () => go({ ...state(), offset: Math.max(0, s.offset - PAGE) }) }, "← Previous");
  const next = el("button", { type: "button", onclick: () => go({ ...state(), offset: s.offset + PAGE }) }, "Next →");
  if (s.offset === 0) prev.setAttribute("disabled", "");
  if (r.hits.length < PAGE || s.offset + PAGE >= r.total) next.setAttribute("disabled", "");
  nav.append(prev, el("span", { class: "meta" }, `page ${page}`), next);
}

const link = (text, s) => el("a", { href: "/?" + toQuery(s), onclick: (e) => { e.preventDefault(); go(s); } }, text);

// Spelling, notes, and what to do when nothing matched.
function renderNotice(s, r) {
  const box = $("notice");
  box.replaceChildren();
  for (const n of r.notes || []) box.append(el("p", { class: "note" }, "Note: " + n));
  if (r.corrected_query) {
    box.append(el("p", { class: "spell" }, "No article matches “", el("b", {}, s.q), "”. Showing results for “",
      el("b", {}, r.corrected_query), "”. ", link(`Search only for “${s.q}”`, { ...s, literal: true, offset: 0 })));
  } else if (r.did_you_mean) {
    box.append(el("p", { class: "spell" }, "Did you mean ", link(r.did_you_mean, { ...s, q: r.did_you_mean, offset: 0, literal: false }), "?"));
  }
  if (r.relaxed) {
    // Few articles had every word: say so, and offer only those.
    const lacks = r.relaxed.dropped.map((w) => `“${w}”`).join(", then ");
    const strict = s.q.split(/\s+/).filter(Boolean).map((w) => "+" + w).join(" ");
    box.append(el("p", { class: "note relaxed" },
      `${r.relaxed.strict_total} ${r.relaxed.strict_total === 1 ? "article has" : "articles have"} every word; the others lack ${lacks}. `,
      link("Only those with every word", { ...s, q: strict, offset: 0 })));
  }
  if (r.total > 0) return;
  const help = el("div", { class: "empty" }, el("h2", {}, `No article matches “${s.q || "*"}”`));
  const tips = el("ul");
  for (const w of r.without || []) {
    if (!w.total) continue;
    const next = { ...state(), offset: 0 };
    if (w.filter === "dates") { next.since = ""; next.until = ""; } else next[w.filter] = next[w.filter].filter((v) => !same(v, w.value));
    const what = w.filter === "dates" ? `the dates ${w.value}` : `the ${w.filter} filter “${w.value}”`;
    tips.append(el("li", {}, link(`Remove ${what}`, next), `: ${w.total.toLocaleString("en")} result${w.total === 1 ? "" : "s"} without it`));
  }
  tips.append(el("li", {}, "Check the spelling, or use fewer words: every word must match."));
  tips.append(el("li", {}, "Search part of a word with ", el("code", {}, "missil*"), " or allow typos with ", el("code", {}, "kremlin~1"), "."));
  help.append(tips);
  box.append(help);
}

let overview = null;
async function renderOverview(s) {
  const box = $("overview");
  box.replaceChildren();
  if (s.q.trim() || s.offset || FACETS.some(([k]) => s[k].length) || s.since || s.until) return;
  try {
    overview = overview || (await fetchJson("/api/stats"));
  } catch { return; }
  const o = overview;
  const top = (k) => (o.top[k] || []).slice(0, 5).map((f) => f.value).join(", ");
  box.append(el("div", { class: "overview" },
    el("p", {}, el("b", {}, o.articles.toLocaleString("en")), " articles",
      o.first_date ? ` from ${o.first_date} to ${o.last_date}` : "", o.updated ? ` · updated ${o.updated}` : "", ". The newest are below."),
    ...KINDS.filter(([k]) => top(k)).map(([k, label]) => el("p", { class: "meta" }, `${label}: ${top(k)}`))));
}

async function search() {
  const s = state();
  $("q").value = document.activeElement === $("q") ? $("q").value : s.q;
  $("sort").value = s.sort || "relevance";
  renderActive(s);
  renderOverview(s);
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const mine = inflight;
  try {
    const r = await fetchJson(`/api/search?${apiQuery(s)}`, mine.signal);
    if (mine !== inflight) return;
    const shown = r.hits.length ? `${s.offset + 1}–${s.offset + r.hits.length} of ` : "";
    const what = r.corrected_query || s.q;
    $("summary").textContent = `${shown}${r.total.toLocaleString("en")} article${r.total === 1 ? "" : "s"}` +
      (what ? ` matching “${what}”` : ", newest first") + ` · ${r.took_ms.toFixed(1)} ms`;
    renderNotice(s, r);
    renderDates(s, r.facets);
    renderFacets(s, r.facets);
    renderSaved();
    renderTools(s, r);
    renderHits(s, r);
    renderPages(s, r);
    document.title = s.q ? `${s.q} · newsdex` : "newsdex";
  } catch (err) {
    if (err.name === "AbortError") return;
    const sug = (err.detail && err.detail.suggestions) || [];
    // The suggestions are links below: the message need not list them too.
    const box = el("div", { class: "error", role: "alert" }, sug.length ? err.message.split("; did you mean")[0] : err.message);
    if (sug.length) {
      const p = el("p", {}, "Did you mean: ");
      sug.forEach((name, i) => {
        if (i) p.append(", ");
        // Replace the unknown name in whichever filter holds it.
        const next = { ...state(), offset: 0 };
        for (const [k] of FACETS) {
          const at = next[k].findIndex((v) => err.message.toLowerCase().includes(`"${v.toLowerCase()}"`));
          if (at >= 0) next[k] = next[k].map((v, j) => (j === at ? name : v));
        }
        p.append(link(name, next));
      });
      box.append(p);
    }
    $("notice").replaceChildren(box);
    $("dates").hidden = true;
    $("summary").textContent = "";
    for (const id of ["hits", "facets", "pages", "tools"]) $(id).replaceChildren();
  }
}

// ---- exports, feeds, saved searches ----------------------------------------

// The search's filters as the export, feed and save endpoints take them.
function filterQuery(s) {
  const p = new URLSearchParams(apiQuery(s));
  for (const k of ["sort", "by", "offset", "facet_limit", "forgiving", "limit"]) p.delete(k);
  return p;
}

function renderTools(s, r) {
  const box = $("tools");
  box.replaceChildren();
  if (!r.total) return;
  const p = filterQuery(s);
  const csv = new URLSearchParams(p); csv.set("format", "csv");
  const jsonl = new URLSearchParams(p); jsonl.set("format", "jsonl");
  const save = el("button", { type: "button", class: "link", onclick: () => saveSearch(s) }, "Save this search");
  box.append("Export all ", r.total.toLocaleString("en"), ": ",
    el("a", { href: "/api/export?" + csv }, "CSV"), " · ",
    el("a", { href: "/api/export?" + jsonl }, "JSON lines"), " · ",
    el("a", { href: "/feeds/search.atom?" + p, type: "application/atom+xml" }, "Atom feed"), " · ", save);
}

async function saveSearch(s) {
  const name = prompt("Name this search (letters, digits, - _ .):", (s.q || "all").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "search");
  if (!name) return;
  const p = filterQuery(s);
  p.set("name", name);
  try {
    const r = await fetch("/api/saved?" + p, { method: "POST" });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
    savedList = body;
    renderSaved();
    $("tools").append(el("span", { class: "note" }, ` Saved as “${name}”: new matches come with each index run (index --alerts) and in its feed.`));
  } catch (err) {
    $("tools").append(el("span", { class: "error" }, err.message));
  }
}

let savedList = null;
async function renderSaved() {
  if (savedList === null) {
    try { savedList = await fetchJson("/api/saved"); } catch { savedList = []; }
  }
  let box = $("saved");
  if (!box) {
    box = el("section", { id: "saved", class: "facet-group", "aria-label": "Saved searches" });
    $("facets").prepend(box);
  }
  box.replaceChildren();
  if (!savedList.length) return;
  const ul = el("ul");
  for (const x of savedList) {
    const st = stateOf({ q: x.query, since: x.since || "", until: x.until || "", person: x.person, org: x.org, place: x.place, source: x.source, author: x.author, ticker: x.ticker });
    ul.append(el("li", {}, el("a", { class: "saved", href: "/?" + toQuery(st) }, x.name),
      el("a", { class: "meta feed", href: `/feeds/saved/${encodeURIComponent(x.name)}.atom`, title: `Atom feed of ${x.name}` }, "feed")));
  }
  box.append(el("h3", {}, "Saved searches"), ul);
}

// ---- one article ---------------------------------------------------------

async function read() {
  const id = decodeURIComponent(location.pathname.slice("/articles/".length));
  const q = new URLSearchParams(location.search).get("q") || "";
  $("q").value = q;
  const box = $("reader");
  box.replaceChildren(el("p", { class: "meta" }, "Loading…"));
  try {
    const v = await fetchJson(`/api/read/${articlePath(id)}?q=${encodeURIComponent(q)}`);
    const a = v.article;
    document.title = `${a.title || a.id} · newsdex`;
    const back = el("a", { href: "/?" + new URLSearchParams(q ? { q } : {}).toString(), class: "back" }, "← Back to results");
    back.addEventListener("click", (e) => { if (history.length > 1 && document.referrer.startsWith(location.origin)) { e.preventDefault(); history.back(); } });
    const meta = [a.date || "undated", a.source, (a.authors && a.authors.length ? "by " + a.authors.join(", ") : a.author ? "by " + a.author : null)].filter(Boolean).join(" · ");
    const names = el("div", { class: "names" });
    for (const [k, label] of KINDS) {
      const list = a.entities[k] || [];
      if (!list.length) continue;
      const p = el("p", {}, el("span", { class: "label" }, label + ": "));
      list.forEach((name, i) => {
        if (i) p.append(", ");
        const s = { ...state(), q, [k]: [name] };
        p.append(el("a", { class: `name ${k}`, href: "/?" + toQuery({ ...stateOf(s) }) }, name));
      });
      names.append(p);
    }
    const body = el("div", { class: "body", html: v.body_html });
    const found = q ? el("p", { class: "meta" }, `${v.marked} word${v.marked === 1 ? "" : "s"} marked for “${q}”`) : null;
    const parts = [back,
      el("h1", { html: v.title_html || a.id }),
      el("p", { class: "meta" }, meta),
      a.url ? el("p", { class: "meta" }, "Original: ", el("a", { href: a.url, rel: "noopener" }, a.url)) : null,
      el("p", { class: "meta" }, "File: " + a.path),
      names, found, body];
    box.replaceChildren(...parts.filter(Boolean));
    if (v.duplicates.length) {
      const ul = el("ul");
      for (const d of v.duplicates) ul.append(el("li", {}, el("a", { href: articleUrl(d.id, q) }, d.title || d.id), el("span", { class: "meta" }, " · " + (d.date || "undated"))));
      box.append(el("section", { class: "dups", "aria-label": "Near-duplicates" }, el("h2", {}, `Near-duplicates (${v.duplicates.length})`), ul));
    }
    const more = el("section", { class: "more", "aria-label": "More like this" }, el("h2", {}, "More like this"));
    box.append(more);
    const r = await fetchJson(`/api/similar/${articlePath(id)}?limit=5`);
    const ul = el("ul");
    for (const h of r.hits) ul.append(el("li", {}, el("a", { href: articleUrl(h.id, q) }, h.title || h.id), el("span", { class: "meta" }, " · " + (h.date || "undated"))));
    more.append(r.hits.length ? ul : el("p", { class: "meta" }, "No similar articles."));
  } catch (err) {
    box.replaceChildren(el("div", { class: "error", role: "alert" }, err.message), el("p", {}, el("a", { href: "/" }, "Search the archive")));
  }
}

// A state with defaults for fields a partial object leaves out.
function stateOf(partial) {
  const blank = { q: "", sort: "", since: "", until: "", by: "", offset: 0, more: "", any: [], literal: false };
  for (const [k] of FACETS) { blank[k] = []; blank["not_" + k] = []; }
  return { ...blank, ...partial };
}

// ---- the page --------------------------------------------------------------

function route() {
  const reading = location.pathname.startsWith("/articles/");
  $("results").hidden = reading;
  $("facets").hidden = reading || null;
  $("reader").hidden = !reading;
  $("filters-toggle").hidden = reading;
  document.body.classList.toggle("reading", reading);
  if (reading) read(); else search();
}

let typing = null;
$("q").addEventListener("input", () => {
  // Search as you type: a pause of 250 ms, the request in flight cancelled.
  clearTimeout(typing);
  typing = setTimeout(() => {
    if (location.pathname !== "/") return;
    go({ ...state(), q: $("q").value, offset: 0, literal: false }, true);
  }, 250);
});
$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(typing);
  go({ ...(location.pathname === "/" ? state() : stateOf({})), q: $("q").value.trim(), sort: $("sort").value === "relevance" ? "" : $("sort").value, offset: 0, literal: false });
});
$("sort").addEventListener("change", () => go({ ...state(), sort: $("sort").value === "relevance" ? "" : $("sort").value, offset: 0 }));
$("filters-toggle").addEventListener("click", () => {
  const open = document.body.classList.toggle("filters-open");
  $("filters-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  if (open) $("facets").scrollIntoView({ block: "start" });
});
document.addEventListener("keydown", (e) => {
  const t = e.target;
  const typingIn = t.matches && t.matches("input, select, textarea") && t !== $("q");
  if (e.key === "/" && !typingIn && t !== $("q")) {
    e.preventDefault();
    $("q").focus();
    $("q").select();
    return;
  }
  if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !typingIn && t.id !== "chart" && !$("results").hidden) {
    const links = [...document.querySelectorAll("#hits a.open")];
    if (!links.length) return;
    const at = links.indexOf(t);
    if (t === $("q") && e.key === "ArrowUp") return;
    e.preventDefault();
    const next = e.key === "ArrowDown" ? Math.min(links.length - 1, at + 1) : Math.max(0, at - 1);
    links[next].focus();
    links[next].closest("li").scrollIntoView({ block: "nearest" });
  }
});
window.addEventListener("popstate", route);
setupChart();
route();
if (location.pathname === "/") $("q").focus();
