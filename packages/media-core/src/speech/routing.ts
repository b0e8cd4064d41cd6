/** Which provider leads, per language, with the others as fallbacks, in order. */
export interface ProviderRouting {
  /** Order for languages not listed in `byLanguage`. */
  default: string[];
  /** Order per BCP-47 language (`hi-IN`) or bare language (`hi`). */
  byLanguage?: Record<string, string[]>;
}

const indianLanguages = ['hi', 'bn', 'gu', 'kn', 'ml', 'mr', 'od', 'pa', 'ta', 'te'];

/** Sarvam leads for the Indian languages it transcribes; Google for the rest (en-IN included). */
export const DEFAULT_ASR_ROUTING: ProviderRouting = {
  default: ['google', 'sarvam'],
  byLanguage: Object.fromEntries(indianLanguages.map((lang) => [lang, ['sarvam', 'google']])),
};

/** Sarvam's bulbul voices lead for Indian languages; Google TTS for the rest. */
export const DEFAULT_TTS_ROUTING: ProviderRouting = DEFAULT_ASR_ROUTING;

/**
 * The provider order for a call's language: the language's own list (exact tag first, then the
 * bare language), then every provider of `default` it does not name, as further fallbacks.
 */
export function providersFor(routing: ProviderRouting, languageCode: string): string[] {
  const bare = languageCode.split('-')[0] ?? languageCode;
  const own = routing.byLanguage?.[languageCode] ?? routing.byLanguage?.[bare] ?? [];
  const order = [...own, ...routing.default];

  return order.filter((provider, i) => order.indexOf(provider) === i);
}
