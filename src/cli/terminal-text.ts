/**
 * Text a job wrote (its label, output, value, error) made safe to put on a user's terminal: every
 * control character is shown as a visible escape (`\u001b`), so a job can neither clear the
 * screen, retitle the window, overwrite a line with `\r`, nor reorder text with bidi controls.
 * Only line feeds and tabs may be kept, where the text is meant to span lines.
 */

/**
 * C0 controls and DEL, C1 controls, and the invisible characters that change how text around them
 * reads: bidi embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9) and the
 * line and paragraph separators (U+2028-9).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same, but a line feed or a tab passes. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** One line: a cell of a table, a name. Every control is escaped, line feeds and tabs too. */
export function escapeLine(text: string): string {
  return text.replace(CONTROLS, escapeCharacter);
}

/** Text of many lines (a job's stdout, a stack, a value): line feeds and tabs kept, every other control escaped. */
export function escapeLines(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escapeCharacter);
}

/** As JSON writes it (`\u001b`): visible, unambiguous, and the same in `--json` output. */
function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
