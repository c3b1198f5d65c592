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
