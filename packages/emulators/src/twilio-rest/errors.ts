// Twilio's REST error body, as its API answers a failed request.

/** The JSON body Twilio's REST API answers with when a request fails. */
export interface TwilioRestErrorBody {
  /** Twilio error code (https://www.twilio.com/docs/errors/CODE). */
  code: number;
  /** Human-readable message. */
  message: string;
  /** Link to the error's page in Twilio's documentation. */
  more_info: string;
  /** The HTTP status the body was sent with. */
  status: number;
}

/** A failed REST request: the HTTP status and Twilio's error body. */
export class TwilioRestError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Twilio error code. */
  readonly code: number;

  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = 'TwilioRestError';
    this.status = status;
    this.code = code;
  }

  /** The body Twilio sends for this error. */
  toBody(): TwilioRestErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

/** 401 / 20003: the Basic credentials are missing or wrong. */
export const authenticateError = (): TwilioRestError =>
  new TwilioRestError(401, 20003, 'Authenticate');

/** 404 / 20404: no such resource. */
export const notFoundError = (path: string): TwilioRestError =>
  new TwilioRestError(404, 20404, `The requested resource ${path} was not found`);
