/**
 * A pronounceable, unique word for index i: i + 16 written in base 16, one syllable per digit. Synthetic
 * corpora and traffic use it so generated text tokenises like words without any real vocabulary.
 */
export function pronounceableWord(i: number, syllables: readonly string[]): string {
  let x = i + 16;
  let out = '';
  while (x > 0) {
    out = (syllables[x % 16] as string) + out;
    x = Math.floor(x / 16);
  }
  return out;
}
