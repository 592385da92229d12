/** Regex fragments shared by the shell rules. */

/**
 * A command position: line start (after an optional `$ ` prompt), after ; & | ( { ` $( or after a word
 * that runs the next one: then/do/else, if/elif/while/until (`if curl …; then`), sudo, exec, xargs,
 * time, nohup and `!`.
 */
export const commandStart = String.raw`(?:^[ \t]*(?:\$[ \t]+)?|[;&|({\x60][ \t]*|\$\([ \t]*|(?:\b(?:then|do|else|if|elif|while|until|sudo|exec|xargs|time|nohup)|(?:^|[ \t])!)[ \t]+)`;
/** An interpreter that runs what it reads on stdin. */
export const interpreter = String.raw`(?:sudo(?:[ \t]+-\S+)*[ \t]+)?(?:env[ \t]+(?:\w+=\S*[ \t]+)*)?(?:(?:ba|z|da|k|fi)?sh|python[0-9.]*|perl|ruby|node)\b`;
/** base64 decoding flags: -d, -D, -di, --decode. */
export const base64Decode = String.raw`\bbase64[ \t]+(?:-[a-zA-Z]*[dD][a-zA-Z]*|--decode)\b`;
/**
 * Spans between a command and what follows it are bounded: a line repeating the command word many
 * times would otherwise make each match scan to the end of the line (quadratic time).
 */
export const span = 500;
/** The rest of a command up to a pipe, allowing line continuations and single `&` inside URLs. */
export const untilPipe = String.raw`(?:[^|\n;&]|&(?!&)|\\\n){0,${span}}?`;
