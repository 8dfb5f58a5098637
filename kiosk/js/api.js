// The one way pages talk to the JSON API: same-origin fetch (the login cookie rides along),
// problem-details errors turned into ApiError with the server's readable message, and writes
// that carry an idempotency key made and saved BEFORE sending, so a retry after a network
// failure can never do the thing twice. And the session every page opens the same way.
import { language } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.code || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || "error";
    this.problem = problem;
  }
}

// No answer that can be trusted: the network failed, the request timed out, or the server (or
// the proxy in front of it: 502/503/504 while the app restarts) failed. The write may or may not
// have happened, so it is retried with the same key.
export class NetworkError extends Error {}

const TIMEOUT_MS = 20000;

export async function api(method, path, body, headers = {}) {
  let response;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      signal: abort.signal,
      headers: {
        "Accept-Language": language(),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(String(error));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : {});
  return data;
}

// Whether an error leaves a keyed write's outcome unknown (retry with the same key), or is the
// server's definitive refusal (a 4xx: the key is done with).
export function unsettled(error) {
  return error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join("");
}

// A write that must happen once: kept in localStorage under `slot` with its key until the server
// gave a definitive answer (2xx, or a 4xx refusal). On a 5xx, a proxy's 502/503/504, a timeout or
// a network error it is retried with the same key, and still kept if the retries run out, so the
// page can finish it after a reload. A new write to the slot (another body) starts a new key.
export function pending(slot) {
  const raw = localStorage.getItem(`jifen.pending.${slot}`);
  return raw ? JSON.parse(raw) : null;
}

export async function sendOnce(slot, method, path, body, { onRetry, attempts = 6 } = {}) {
  const saved = pending(slot);
  const same = saved && saved.path === path && JSON.stringify(saved.body) === JSON.stringify(body);
  const job = same ? saved : { key: newKey(), method, path, body };
  localStorage.setItem(`jifen.pending.${slot}`, JSON.stringify(job));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await api(job.method, job.path, job.body, { "Idempotency-Key": job.key });
      localStorage.removeItem(`jifen.pending.${slot}`);
      return result;
    } catch (error) {
      if (!unsettled(error)) localStorage.removeItem(`jifen.pending.${slot}`);
      if (!unsettled(error) || attempt >= attempts) throw error;
      if (onRetry) onRetry(attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 8000)));
    }
  }
}

async function login(username, password) {
  return api("POST", "/api/v1/auth/login", { username, password });
}

async function me() {
  return api("GET", "/api/v1/auth/me");
}

async function logout() {
  return api("POST", "/api/v1/auth/logout");
}

function showLoginError(error) {
  document.getElementById("login-error").textContent = error ? error.message : "";
}

// The session every page opens the same way: `start(user)` when the login cookie is still good,
// else the #login form, whose answer goes to `start` too; #logout ends it. `send(form)` makes the
// login request (default: username and password); `show(error)` shows a refusal, or clears it
// when given null (default: in #login-error).
export function openSession(start, {
  send = (form) => login(form.get("username"), form.get("password")), show = showLoginError,
} = {}) {
  const form = document.getElementById("login");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(null);
    try {
      await start((await send(new FormData(form))).user);
    } catch (error) {
      show(error);
    }
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await logout();
    location.reload();
  });
  me().then(start).catch(() => { form.hidden = false; });
}
