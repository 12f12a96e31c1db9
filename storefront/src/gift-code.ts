/**
 * Gift redemption codes as a recipient types them. The code itself is issued by core's
 * redemption module (DESIGN.md section 6: at least 60 bits of entropy, unambiguous
 * alphabet); here we only make typing forgiving: any case, spaces and dashes anywhere,
 * and show it back in groups of five, as core formats it.
 *
 * The alphabet is Crockford's base32 (no I, L, O, U), 5 bits a character: core issues 14
 * random characters (70 bits) plus one check character, 15 in all (core/src/redemption/codes). Keep these two constants in step with core's code generator.
 */
export const GIFT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const GIFT_CODE_LENGTH = 15;
const GROUP = 5;

/** Uppercases and removes whitespace and dashes (ASCII and Unicode dashes). */
export function normalizeGiftCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s\-\u2010-\u2015\u2212]+/g, "");
}

/** The normalised code in groups of five, e.g. `ABCDE-FGHJK-MNPQR`. */
export function formatGiftCode(raw: string): string {
  const code = normalizeGiftCode(raw);
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP));
  return groups.join("-");
}

export type GiftCodeProblem = "empty" | "invalid-character" | "too-short" | "too-long";

/**
 * Why a typed code cannot be a gift code yet, or `null` when it is worth sending to the
 * server. `invalid-character` comes first so a mistyped letter (an O for a 0) is reported
 * while the recipient is still typing.
 */
export function giftCodeProblem(raw: string): GiftCodeProblem | null {
  const code = normalizeGiftCode(raw);
  if (code === "") return "empty";
  for (const ch of code) if (!GIFT_CODE_ALPHABET.includes(ch)) return "invalid-character";
  if (code.length < GIFT_CODE_LENGTH) return "too-short";
  if (code.length > GIFT_CODE_LENGTH) return "too-long";
  return null;
}

export function giftCodeProblemMessage(problem: GiftCodeProblem): string {
  switch (problem) {
    case "empty":
      return "Enter the code from your gift email or card.";
    case "invalid-character":
      return "Codes use digits and letters except I, L, O and U. Check for a 0 typed as O or a 1 typed as I.";
    case "too-short":
      return `Codes have ${GIFT_CODE_LENGTH} characters.`;
    case "too-long":
      return `That is more than ${GIFT_CODE_LENGTH} characters.`;
  }
}
