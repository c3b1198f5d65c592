// Small DOM helpers. Every text from the API goes in as text (textContent), never as HTML; the one
// exception is the Markdown preview, which is the API's sanitised HTML (see pratiques.js).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const announcer = () => document.getElementById("annonce");

// A short message for everyone: shown at the bottom and read by screen readers (role=status).
export function announce(text, kind = "info") {
  const box = announcer();
  box.textContent = text;
  box.dataset.type = kind;
}

export function formatDate(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("fr-FR", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" });
}

export function formatValue(value) {
  if (value === null || value === undefined || value === "") return "(vide)";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "(vide)";
  if (typeof value === "boolean") return value ? "oui" : "non";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// A table of {champ: [avant, après]} or [{champ, avant, apres}] changes.
export function changesTable(changes, caption) {
  const rows = Array.isArray(changes) ? changes.map((c) => [c.champ, c.avant, c.apres])
    : Object.entries(changes || {}).map(([champ, [avant, apres]]) => [champ, avant, apres]);
  if (!rows.length) return h("p", {}, "Aucun champ modifié.");
  return h("table", { class: "changements" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Champ"), h("th", { scope: "col" }, "Avant"),
      h("th", { scope: "col" }, "Après"))),
    h("tbody", {}, rows.map(([champ, avant, apres]) => h("tr", {},
      h("th", { scope: "row" }, champ), h("td", { class: "avant" }, formatValue(avant)),
      h("td", { class: "apres" }, formatValue(apres))))));
}

// Appends rows (or list items) to a table body or list; returns the first, for focus.
export function appendRows(parent, rows) {
  parent.append(...rows);
  return rows[0] || null;
}
