// Hand-off to a person: the hold phrase plays, then the control plane is asked to transfer the
// call (it answers at once and redirects the Twilio call, which then stops the stream).
import type { Logger } from 'pino';
import type { ControlClient } from '../control/client.js';

/** What the hand-off needs of the control client. */
export type HandoffClient = Pick<ControlClient, 'requestHandoff'>;

/** Result of asking for the transfer. */
export type HandoffResult = 'requested' | 'failed' | 'no_control_plane';

/**
 * Asks the control plane to transfer the call. Without a control plane (or a call id it
 * knows), there is nobody to transfer to: the caller is told to hold and the pipeline hangs up.
 */
export async function requestTransfer(
  client: HandoffClient | undefined,
  callId: string | undefined,
  reason: string,
  log: Logger,
): Promise<HandoffResult> {
  if (client === undefined || callId === undefined) {
    log.warn({ reason }, 'hand-off without a control plane: ending the call');

    return 'no_control_plane';
  }

  try {
    await client.requestHandoff(callId, reason);
    log.info({ reason }, 'hand-off requested');

    return 'requested';
  } catch (error) {
    log.error({ err: error, reason }, 'hand-off request failed');

    return 'failed';
  }
}
