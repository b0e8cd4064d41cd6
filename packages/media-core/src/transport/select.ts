// Chooses the transport: uWebSockets.js unless told otherwise or unless it cannot load.
import type { Logger } from 'pino';
import type { TransportName } from '../ops/config.js';
import type { MediaTransport, TransportOptions } from './transport.js';
import { loadUws, UwsTransport, type UwsModule } from './uws.js';
import { WsTransport } from './ws.js';

/**
 * Builds the transport `wanted`; falls back to `ws` (one log line) if uWS will not load.
 * `loadNative` loads the addon (replaceable to exercise the fallback).
 */
export function createTransport(
  wanted: TransportName,
  options: TransportOptions,
  log: Logger,
  loadNative: () => UwsModule = loadUws,
): MediaTransport {
  if (wanted === 'ws') return new WsTransport(options);

  try {
    return new UwsTransport(loadNative(), options);
  } catch (error) {
    log.warn({ err: error }, 'uWebSockets.js did not load; using the ws transport');

    return new WsTransport(options);
  }
}
