// newsdex search page: the URL holds the whole state (q, sort, filters,
// dates, page), so a search can be shared and the back button works.
"use strict";

const KINDS = [["person", "People"], ["org", "Organisations"], ["place", "Places"]];
// Facets of the sidebar: the entity kinds, then who wrote and what is cited.
const FACETS = [...KINDS, ["author", "Authors"], ["source", "Sources"], ["ticker", "Tickers"]];
const PAGE = 10;
const $ = (id) => document.getElementById(id);

function state() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    sort: p.get("sort") || "relevance",
    since: p.get("since") || "",
    until: p.get("until") || "",
    by: p.get("by") || "month",
    offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
    ...Object.fromEntries(FACETS.map(([k]) => [k, p.getAll(k)])),
  };
}

function toQuery(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (s.since) p.set("since", s.since);
  if (s.until) p.set("until", s.until);
  if (s.by !== "month") p.set("by", s.by);
  if (s.offset) p.set("offset", String(s.offset));
  for (const [k] of FACETS) for (const v of s[k]) p.append(k, v);
  return p.toString();
}

function go(s) {
  const qs = toQuery(s);
  history.pushState(null, "", qs ? "?" + qs : location.pathname);
  load();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") e.addEventListener("click", v);
    else if (k === "html") e.innerHTML = v; // only for snippet_html, escaped by the server
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function toggle(kind, name) {
  const s = state();
  const i = s[kind].findIndex((v) => v.toLowerCase() === name.toLowerCase());
  if (i >= 0) s[kind].splice(i, 1); else s[kind].push(name);
  s.offset = 0;
  go(s);
}

function articlePath(id) {
  return id.split("/").map(encodeURIComponent).join("/");
}

async function fetchJson(url) {
  const r = await fetch(url);
  const body = await r.json().catch(() => ({ error: { message: r.statusText } }));
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}

function renderActive(s) {
  const box = $("active");
  box.replaceChildren();
  for (const [k] of FACETS) {
    for (const v of s[k]) box.append(el("button", { class: "chip on " + k, title: "Remove this filter", onclick: () => toggle(k, v) }, v + " ✕"));
  }
  if (s.since || s.until) {
    const label = s.since === s.until ? s.since : `${s.since || "…"} – ${s.until || "…"}`;
    box.append(el("button", { class: "chip on", title: "Remove the date range", onclick: () => go({ ...state(), since: "", until: "", by: "month", offset: 0 }) }, "Dates " + label + " ✕"));
  }
}

function renderHistogram(facets) {
  const box = $("histogram");
  box.replaceChildren();
  const buckets = facets.dates || [];
  if (buckets.length < 2) return;
  const max = Math.max(...buckets.map((b) => b.count), 1);
  for (const b of buckets) {
    const bar = el("div", {
      class: "bar", role: "button", tabindex: "0",
      "data-label": `${b.value}: ${b.count}`, "aria-label": `${b.value}: ${b.count} articles`,
      style: `height:${Math.max(2, Math.round((b.count / max) * 100))}%`,
      onclick: () => {
        // A month narrows to its days, a day or year to itself.
        const s = state();
        s.since = b.value; s.until = b.value; s.offset = 0;
        s.by = /^\d{4}-\d{2}$/.test(b.value) ? "day" : /^\d{4}$/.test(b.value) ? "month" : s.by;
        go(s);
      },
    });
    box.append(bar);
  }
}

function renderFacets(s, facets) {
  const box = $("facets");
  box.replaceChildren();
  for (const [k, label] of FACETS) {
    const values = facets[k] || [];
    const chosen = new Set(s[k].map((v) => v.toLowerCase()));
    if (!values.length && !chosen.size) continue;
    const list = el("ul");
    for (const f of values) {
      const on = chosen.has(f.value.toLowerCase());
      list.append(el("li", {}, el("button", { class: "facet" + (on ? " on" : ""), "data-kind": k, onclick: () => toggle(k, f.value) },
        el("span", {}, f.value), el("span", { class: "n" }, (facets.estimated ? "≈" : "") + f.count))));
    }
    box.append(el("h3", {}, label), list);
  }
}

function renderHits(s, r) {
  const list = $("hits");
  list.replaceChildren();
  for (const h of r.hits) {
    const chips = el("div", { class: "chips" });
    for (const [k] of KINDS) {
      for (const name of (h.entities[k] || []).slice(0, 5)) {
        const on = s[k].some((v) => v.toLowerCase() === name.toLowerCase());
        chips.append(el("button", { class: `chip ${k}` + (on ? " on" : ""), onclick: () => toggle(k, name) }, name));
      }
    }
    const title = el("a", { href: "/api/articles/" + articlePath(h.id) }, h.title || h.id);
    const item = el("li", { class: "hit" },
      el("h2", {}, title),
      el("div", { class: "meta" }, [h.date || "undated", h.path].join(" · ")),
      el("p", { class: "snippet", html: h.snippet_html }),
      chips);
    if (h.similar.length) item.append(el("div", { class: "similar", title: h.similar.join("\n") }, `+${h.similar.length} similar`));
    title.addEventListener("click", async (e) => {
      e.preventDefault();
      const open = item.querySelector(".body");
      if (open) { open.remove(); return; }
      try {
        const a = await fetchJson("/api/articles/" + articlePath(h.id));
        item.append(el("div", { class: "body" }, a.body));
      } catch (err) { item.append(el("div", { class: "error" }, err.message)); }
    });
    list.append(item);
  }
}

function renderPages(s, r) {
  const nav = $("pages");
  nav.replaceChildren();
  if (r.total <= PAGE && s.offset === 0) return;
  const page = Math.floor(s.offset / PAGE) + 1;
  const prev = el("button", { onclick: () => go({ ...state(), offset: Math.max(0, s.offset - PAGE) }) }, "← Previous");
  const next = el("button", { onclick: () => go({ ...state(), offset: s.offset + PAGE }) }, "Next →");
  if (s.offset === 0) prev.setAttribute("disabled", "");
  if (r.hits.length < PAGE || s.offset + PAGE >= r.total) next.setAttribute("disabled", "");
  nav.append(prev, el("span", { class: "meta" }, `page ${page}`), next);
}

async function load() {
  const s = state();
  $("q").value = s.q;
  $("sort").value = s.sort;
  renderActive(s);
  const qs = toQuery({ ...s, q: s.q || "*" });
  try {
    const r = await fetchJson(`/api/search?${qs}&limit=${PAGE}`);
    const shown = r.hits.length ? `${s.offset + 1}–${s.offset + r.hits.length} of ` : "";
    $("summary").textContent = `${shown}${r.total} article${r.total === 1 ? "" : "s"}` + (s.q ? ` matching “${s.q}”` : "") + ` · ${r.took_ms.toFixed(1)} ms`;
    renderHistogram(r.facets);
    renderFacets(s, r.facets);
    renderHits(s, r);
    renderPages(s, r);
    document.title = s.q ? `${s.q} · newsdex` : "newsdex";
  } catch (err) {
    $("summary").replaceChildren(el("span", { class: "error" }, err.message));
    for (const id of ["hits", "facets", "histogram", "pages"]) $(id).replaceChildren();
  }
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  go({ ...state(), q: $("q").value.trim(), sort: $("sort").value, offset: 0 });
});
$("sort").addEventListener("change", () => go({ ...state(), sort: $("sort").value, offset: 0 }));
window.addEventListener("popstate", load);
load();
