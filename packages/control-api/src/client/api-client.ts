// A small typed HTTP client of the control API's user routes (used by `voice-admin`).
import { request } from 'undici';

/** An error answer of the API, or a transport failure (status 0). */
export class ApiClientError extends Error {
  /** HTTP status; 0 when the API was unreachable. */
  readonly status: number;
  /** The API's error code (`unreachable` for transport failures). */
  readonly code: string;
  /** The field at fault, for validation errors. */
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Where the API is and how to authenticate. */
export interface ApiClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Bearer access token. */
  token?: string;
  /** Per-request time-out in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** Client of the control API. */
export class ControlApiClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends a request; JSON bodies by default, a string body as `contentType`. */
  async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = contentType;

    let response;
    try {
      response = await request(`${this.baseUrl}${path}`, {
        method,
        headers,
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headersTimeout: this.options.timeoutMs ?? 30_000,
        bodyTimeout: this.options.timeoutMs ?? 30_000,
      });
    } catch (error) {
      throw new ApiClientError(
        0,
        'unreachable',
        `cannot reach ${this.baseUrl}: ${(error as Error).message}`,
      );
    }

    const text = await response.body.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.statusCode >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } })
        ?.error;
      throw new ApiClientError(
        response.statusCode,
        error?.code ?? 'http_error',
        error?.message ?? `HTTP ${response.statusCode}`,
        error?.field,
      );
    }

    return parsed as T;
  }

  /** Builds a query string from defined values. */
  static query(params: Record<string, string | number | undefined>): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) search.set(name, String(value));
    }
    const text = search.toString();

    return text ? `?${text}` : '';
  }
}
