// The one way pages talk to the JSON API: same-origin fetch (the login cookie rides along),
// problem-details errors turned into ApiError with the server's readable message, and writes
// that carry an idempotency key made and saved BEFORE sending, so a retry after a network
// failure can never do the thing twice.
import { language } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.code || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || "error";
    this.problem = problem;
  }
}

export class NetworkError extends Error {}

export async function api(method, path, body, headers = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        "Accept-Language": language(),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : {});
  return data;
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join("");
}

// A write that must happen once: kept in localStorage under `slot` until the server answered.
export function pending(slot) {
  const raw = localStorage.getItem(`jifen.pending.${slot}`);
  return raw ? JSON.parse(raw) : null;
}

export async function sendOnce(slot, method, path, body, { onRetry, attempts = 6 } = {}) {
  const saved = pending(slot);
  const job = saved && saved.path === path ? saved : { key: newKey(), method, path, body };
  localStorage.setItem(`jifen.pending.${slot}`, JSON.stringify(job));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await api(job.method, job.path, job.body, { "Idempotency-Key": job.key });
      localStorage.removeItem(`jifen.pending.${slot}`);
      return result;
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= attempts) {
        if (!(error instanceof NetworkError)) localStorage.removeItem(`jifen.pending.${slot}`);
        throw error;
      }
      if (onRetry) onRetry(attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 8000)));
    }
  }
}

export async function login(username, password) {
  return api("POST", "/api/v1/auth/login", { username, password });
}

export async function me() {
  return api("GET", "/api/v1/auth/me");
}

export async function logout() {
  return api("POST", "/api/v1/auth/logout");
}
