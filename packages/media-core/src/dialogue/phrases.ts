// Per-language fixed phrases (phrases/LANG.json) and system prompts (prompts/LANG.md), read
// from files shipped with the package so wording changes need no code change.
import { readFileSync } from 'node:fs';

/** The fixed phrases the bot speaks without the LLM. */
export interface Phrases {
  /** BCP-47 language of the file. */
  language: string;
  /** First words of the call: the AI and recording disclosure, then the name question. */
  opening: string;
  /** Asks the caller to say it again (low recognition confidence). */
  repeat: string;
  /** Said before a hand-off to a person. */
  handOffHold: string;
  /** Said when the LLM failed past its retry budget, before a hand-off. */
  llmApology: string;
  /** A plain goodbye, when the call ends without the LLM. */
  goodbye: string;
}

/** A language's phrases and system prompt template. */
export interface DialogueTexts {
  /** The fixed phrases. */
  phrases: Phrases;
  /** The system prompt; `{{state}}` marks where the call state goes. */
  systemPrompt: string;
}

/** A phrase or prompt file is missing or malformed. */
export class PhraseFileError extends Error {
  /** Stable code. */
  readonly code = 'DIALOGUE_BAD_PHRASES';
}

/** The language used when a call's language has no files. */
export const fallbackLanguage = 'en-IN';

const phraseKeys: readonly (keyof Phrases)[] = [
  'language',
  'opening',
  'repeat',
  'handOffHold',
  'llmApology',
  'goodbye',
];

// From dist/src/dialogue/ (or src/dialogue/ under tsx) three levels up is the package root.
const packageRoot = new URL('../../../', import.meta.url);
const cache = new Map<string, DialogueTexts>();

/** Languages with phrase and prompt files. */
export const dialogueLanguages: readonly string[] = ['en-IN', 'hi-IN', 'ta-IN'];

/**
 * The phrases and prompt of `language` (cached after the first read). A language without files
 * gets en-IN's.
 */
// Limit: only en-IN, hi-IN and ta-IN have files; other languages are answered in English.
export function dialogueTexts(language: string, root: URL = packageRoot): DialogueTexts {
  const chosen = dialogueLanguages.includes(language) ? language : fallbackLanguage;
  const key = `${root.href}|${chosen}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const texts = {
    phrases: readPhrases(new URL(`phrases/${chosen}.json`, root)),
    systemPrompt: readText(new URL(`prompts/${chosen}.md`, root)),
  };
  cache.set(key, texts);

  return texts;
}

/** Fills `{name}` placeholders; an unknown placeholder is left as it is. */
export function fillPhrase(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function readPhrases(url: URL): Phrases {
  let json: unknown;
  try {
    json = JSON.parse(readText(url));
  } catch (error) {
    if (error instanceof PhraseFileError) throw error;
    throw new PhraseFileError(`${url.pathname}: not valid JSON (${(error as Error).message})`);
  }

  const record = (json ?? {}) as Record<string, unknown>;
  for (const key of phraseKeys) {
    const value = record[key];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new PhraseFileError(`${url.pathname}: ${key}: must be a non-empty string`);
    }
  }

  return record as unknown as Phrases;
}

function readText(url: URL): string {
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new PhraseFileError(`${url.pathname}: cannot read (${(error as Error).message})`);
  }
}
