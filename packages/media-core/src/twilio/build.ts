// Builders for the messages the server sends on a bidirectional stream. Twilio accepts text
// frames only (a binary frame is its error 31950), so each builder returns the JSON text.

/** `media`: μ-law 8 kHz audio, no header, base64 in `media.payload`. */
export function buildMediaMessage(streamSid: string, muLaw: Uint8Array): string {
  const payload = Buffer.from(muLaw.buffer, muLaw.byteOffset, muLaw.byteLength).toString('base64');

  return `{"event":"media","streamSid":${JSON.stringify(streamSid)},"media":{"payload":"${payload}"}}`;
}

/** `mark`: Twilio echoes it back once the audio queued before it has played. */
export function buildMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

/** `clear`: Twilio drops all audio it has buffered for the stream (barge-in). */
export function buildClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', streamSid });
}
