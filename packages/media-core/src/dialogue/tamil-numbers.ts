// Tamil number words for the spoken-amount parser. Tamil joins words in speech and writing:
// a vowel-initial word fuses with the one before it (இருபது + ஐந்து → இருபத்தைந்து, எண்பது +
// ஆயிரம் → எண்பதாயிரம்), so the fused forms are generated here from their parts.

const units: [string, number][] = [
  ['ஒன்று', 1],
  ['ஒன்னு', 1],
  ['இரண்டு', 2],
  ['ரெண்டு', 2],
  ['மூன்று', 3],
  ['மூணு', 3],
  ['நான்கு', 4],
  ['நாலு', 4],
  ['ஐந்து', 5],
  ['அஞ்சு', 5],
  ['ஆறு', 6],
  ['ஏழு', 7],
  ['எட்டு', 8],
  ['ஒன்பது', 9],
];

const tenToNineteen: [string, number][] = [
  ['பத்து', 10],
  ['பதினொன்று', 11],
  ['பதினொன்னு', 11],
  ['பன்னிரண்டு', 12],
  ['பனிரெண்டு', 12],
  ['பதிமூன்று', 13],
  ['பதினான்கு', 14],
  ['பதினாலு', 14],
  ['பதினைந்து', 15],
  ['பதினஞ்சு', 15],
  ['பதினாறு', 16],
  ['பதினேழு', 17],
  ['பதினெட்டு', 18],
  ['பத்தொன்பது', 19],
];

/** Tens: the word said alone, and the forms it takes before a unit (இருபத்து மூன்று = 23). */
const tens: [string, number, string[]][] = [
  ['இருபது', 20, ['இருபத்து', 'இருபத்தி']],
  ['முப்பது', 30, ['முப்பத்து', 'முப்பத்தி']],
  ['நாற்பது', 40, ['நாற்பத்து', 'நாப்பத்தி']],
  ['ஐம்பது', 50, ['ஐம்பத்து', 'ஐம்பத்தி']],
  ['அறுபது', 60, ['அறுபத்து', 'அறுபத்தி']],
  ['எழுபது', 70, ['எழுபத்து', 'எழுபத்தி']],
  ['எண்பது', 80, ['எண்பத்து', 'எண்பத்தி']],
  ['தொண்ணூறு', 90, ['தொண்ணூற்று', 'தொண்ணூத்தி']],
];

/** Hundreds, alone and before a smaller number (நூற்று ஐம்பது = 150). */
const hundreds: [string, number][] = [
  ['நூறு', 100],
  ['நூற்று', 100],
  ['இருநூறு', 200],
  ['இருநூற்று', 200],
  ['முந்நூறு', 300],
  ['முன்னூறு', 300],
  ['நானூறு', 400],
  ['ஐநூறு', 500],
  ['அறுநூறு', 600],
  ['எழுநூறு', 700],
  ['எண்ணூறு', 800],
  ['தொள்ளாயிரம்', 900],
];

/** Words that multiply the number said before them (லட்சத்து: "lakh and"). */
export const tamilMultipliers: Record<string, number> = {
  ஆயிரம்: 1_000,
  ஆயிரத்து: 1_000,
  லட்சம்: 100_000,
  லட்ச: 100_000,
  லட்சத்து: 100_000,
  இலட்சம்: 100_000,
  லக்ஷம்: 100_000,
  கோடி: 10_000_000,
  கோடியே: 10_000_000,
};

// Independent vowels and the signs they become after a consonant (அ leaves the bare consonant).
const vowelSigns: Record<string, string> = {
  அ: '',
  ஆ: '\u0bbe',
  இ: '\u0bbf',
  ஈ: '\u0bc0',
  உ: '\u0bc1',
  ஊ: '\u0bc2',
  எ: '\u0bc6',
  ஏ: '\u0bc7',
  ஐ: '\u0bc8',
  ஒ: '\u0bca',
  ஓ: '\u0bcb',
};

/**
 * Joins two words the way Tamil speech does: a final -u (or a bare consonant) before a vowel
 * gives way to that vowel's sign on the consonant; other words are written together.
 */
export function fuseTamil(first: string, second: string): string {
  const sign = vowelSigns[second.charAt(0)];
  if (sign === undefined) return first + second;

  const stem = /[\u0bc1\u0bcd]$/.test(first) ? first.slice(0, -1) : first;
  return stem + sign + second.slice(1);
}

/** Every Tamil word with a value: 1 to 999 as said in amounts, thousands fused (எண்பதாயிரம்). */
export const tamilNumberWords: ReadonlyMap<string, number> = buildWords();

function buildWords(): Map<string, number> {
  const words = new Map<string, number>([...units, ...tenToNineteen, ...hundreds]);
  for (const [word, value, joining] of tens) {
    words.set(word, value);
    for (const form of joining) {
      words.set(form, value);
      for (const [unit, unitValue] of units) words.set(fuseTamil(form, unit), value + unitValue);
    }
  }

  // Halves: அரை லட்சம், இரண்டரை லட்சம் (2.5 lakh).
  words.set('அரை', 0.5);
  for (const [unit, value] of units) words.set(fuseTamil(unit, 'அரை'), value + 0.5);

  // A number fused with its thousand: எண்பதாயிரம் (80,000), ஐயாயிரம் (5,000).
  for (const [word, value] of [...words]) {
    if (value >= 1 && value < 100) {
      words.set(fuseTamil(word, 'ஆயிரம்'), value * 1_000);
      words.set(fuseTamil(word, 'ஆயிரத்து'), value * 1_000);
    }
  }
  words.set('ஐயாயிரம்', 5_000);
  words.set('ஆயிரம்', 1_000);
  words.set('லட்சம்', 100_000);
  words.set('கோடி', 10_000_000);

  return words;
}
