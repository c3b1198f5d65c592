// The public API, called with the signed-in member's credentials (auth.js). Errors are RFC 9457
// problem documents: an ApiError carries the status and the problem (detail, errors[], …).
import { authHeaders } from "./auth.js";

const config = JSON.parse(document.getElementById("membre-config").textContent);
export const API = config.api;
export const CONFIG = config;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `Erreur ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

// method, path under /v1 (or a full same-origin URL from a `next` link), options:
// body (JSON), etag (sent as If-Match), contentType. Resolves to {status, etag, body}.
export async function call(method, path, { body, etag, contentType } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  if (etag) headers["If-Match"] = etag;
  const url = path.startsWith("http") || path.startsWith("/v1") ? path : API + path;
  const response = await fetch(url, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store", credentials: "omit",
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, etag: response.headers.get("ETag"), body: parsed };
}

export const get = (path) => call("GET", path);

let vocabularies = null;
export async function vocab() {
  if (!vocabularies) vocabularies = (await get("/vocabulaires")).body;
  return vocabularies;
}

export function label(list, code) {
  const term = (list || []).find((t) => t.code === code);
  return term ? term.libelle || term.nom : code;
}

// "Afficher la suite": lists are pages; this button follows the API's `next` link and hands each new
// page's items to `add`. Null when there is no next page. Focus moves to the first new entry so that
// keyboard and screen-reader users continue where the list grew.
export function moreButton(page, add, what = "éléments") {
  let next = page.next;
  if (!next) return null;
  const holder = document.createElement("p");
  holder.className = "suite";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Afficher la suite";
  button.addEventListener("click", async () => {
    button.disabled = true;
    const more = (await get(next)).body;
    const first = add(more.items);
    next = more.next;
    if (next) button.disabled = false;
    else holder.remove();
    const status = document.getElementById("annonce");
    if (status) status.textContent = `${more.items.length} ${what} de plus affichés.`;
    const target = first && (first.querySelector("a, button") || first);
    if (target) target.focus();
  });
  holder.append(button);
  return holder;
}

// Every item of a list, following `next` up to `maxPages` pages; `complete` says whether it got them all.
export async function allItems(path, maxPages = 10) {
  let page = (await get(path)).body;
  const items = [...page.items];
  for (let n = 1; page.next && n < maxPages; n += 1) {
    page = (await get(page.next)).body;
    items.push(...page.items);
  }
  return { items, complete: !page.next };
}
