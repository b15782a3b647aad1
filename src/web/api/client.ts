/**
 * The typed fetch wrapper every hook uses: cookies, JSON, Accept-Language from the UI language,
 * and one error class that carries the server's error body.
 */
export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
  messageEn: string;
  row?: number;
}
export interface ErrorBody {
  code: string;
  message: string;
  messageEn: string;
  details: ErrorDetail[];
  requestId?: string;
}
export interface Page<T> {
  items: T[];
  total: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
  get code() {
    return this.body.code;
  }
}

let uiLang: 'zh' | 'en' = 'zh';
let onUnauthorized: (() => void) | null = null;

export function setApiLanguage(lang: 'zh' | 'en') {
  uiLang = lang;
}
export function apiLanguage() {
  return uiLang;
}
/** Called on a 401 from any endpoint but the session probes (the app sends the user to the login page). */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type QueryParams = Record<string, QueryValue>;

/** Builds a query string, skipping empty values; arrays become comma-separated lists. */
export function toQuery(params: QueryParams = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) sp.set(k, v.join(','));
    } else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function apiUrl(path: string, params?: QueryParams) {
  return `/api/v1${path}${toQuery(params)}`;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: QueryParams;
  /** Do not trigger the global 401 redirect (session probes, login). */
  quiet401?: boolean;
}

async function parseError(res: Response): Promise<ApiError> {
  let body: ErrorBody;
  try {
    const json = (await res.json()) as Partial<ErrorBody>;
    body = {
      code: json.code ?? 'http_' + res.status,
      message: json.message ?? res.statusText,
      messageEn: json.messageEn ?? json.message ?? res.statusText,
      details: Array.isArray(json.details) ? json.details : [],
      requestId: json.requestId,
    };
  } catch {
    const text = uiLang === 'en' ? `Request failed (${res.status})` : `请求失败（${res.status}）`;
    body = { code: 'http_' + res.status, message: text, messageEn: `Request failed (${res.status})`, details: [] };
  }
  return new ApiError(res.status, body);
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': uiLang === 'en' ? 'en' : 'zh-CN',
  };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
    });
  } catch {
    const msg = uiLang === 'en' ? 'Cannot reach the server' : '无法连接服务器，请检查网络';
    throw new ApiError(0, { code: 'network', message: msg, messageEn: 'Cannot reach the server', details: [] });
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await res.json()) as T;
}

export const http = {
  get: <T>(path: string, query?: QueryParams) => api<T>(path, { query }),
  post: <T>(path: string, body?: unknown, query?: QueryParams) =>
    api<T>(path, { method: 'POST', body: body ?? {}, query }),
  patch: <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body }),
  put: <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body }),
  del: (path: string) => api<void>(path, { method: 'DELETE' }),
};

/** The user-facing text of any error, in the UI language. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return uiLang === 'en' ? err.body.messageEn || err.body.message : err.body.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
