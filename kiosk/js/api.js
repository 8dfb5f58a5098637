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

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join("");
}

// A write that must happen once: kept in localStorage under `slot` until the server answered.
// `secret` fields (a PIN) go with each attempt but are never stored: a retry after a reload
// sends without them, and the server asks again.
export function pending(slot) {
  const raw = localStorage.getItem(`jifen.pending.${slot}`);
  return raw ? JSON.parse(raw) : null;
}

export async function sendOnce(slot, method, path, body, { onRetry, attempts = 6, secret = {} } = {}) {
  const saved = pending(slot);
  const job = saved && saved.path === path ? saved : { key: newKey(), method, path, body };
  localStorage.setItem(`jifen.pending.${slot}`, JSON.stringify(job));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await api(job.method, job.path, { ...job.body, ...secret },
        { "Idempotency-Key": job.key });
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
