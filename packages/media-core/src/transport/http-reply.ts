// Status lines for the few HTTP statuses the transports send themselves.

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `403 Forbidden`-style status line text for `status`. */
export function statusText(status: number): string {
  return `${status} ${REASONS[status] ?? 'Error'}`;
}
