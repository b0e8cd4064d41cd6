// The voices the TTS emulator lists (ListVoices) and accepts: named like Google's.

/** One emulated voice, as google.cloud.texttospeech.v1.Voice. */
export interface VoiceMessage {
  languageCodes: string[];
  name: string;
  ssmlGender: 'FEMALE' | 'MALE';
  naturalSampleRateHertz: number;
}

/** Natural rate of every emulated voice, in Hz (Google's standard voices: 24 kHz). */
export const naturalSampleRateHz = 24_000;

const languages = ['en-IN', 'hi-IN', 'ta-IN', 'bn-IN', 'mr-IN', 'te-IN', 'kn-IN', 'ml-IN', 'gu-IN'];

/** Every emulated voice: a female (A) and a male (B) Standard voice per language. */
export const emulatedVoices: VoiceMessage[] = languages.flatMap((language) => [
  voice(language, 'A', 'FEMALE'),
  voice(language, 'B', 'MALE'),
]);

function voice(language: string, letter: string, ssmlGender: 'FEMALE' | 'MALE'): VoiceMessage {
  return {
    languageCodes: [language],
    name: `${language}-Standard-${letter}`,
    ssmlGender,
    naturalSampleRateHertz: naturalSampleRateHz,
  };
}

/** The voices for a language code (all when empty). */
export function voicesFor(languageCode: string | undefined): VoiceMessage[] {
  if (!languageCode) return emulatedVoices;

  const wanted = languageCode.toLowerCase();
  return emulatedVoices.filter((entry) =>
    entry.languageCodes.some((code) => code.toLowerCase().startsWith(wanted)),
  );
}
