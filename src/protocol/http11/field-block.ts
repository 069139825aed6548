/**
 * A response head's field lines (`name: value\r\n` for each field but the framing ones) and what the framing needs
 * from them, remembered for the last field list: a response that repeats the previous one's fields exactly (the
 * same file again, the same redirect) reuses one flat string. Concatenated afresh, the lines are a rope of some
 * forty strings that node flattens again for every response before copying it (~2k instructions a response,
 * bench/RESULTS.md 2026-11-22 11:40).
 */
import { isFieldName } from './field-name.js';
import { headerLine } from './response-head.js';

export interface FieldBlock {
  /** Every field but Content-Length and Transfer-Encoding, which the framing writes. */
  readonly lines: string;
  readonly hasDate: boolean;
  /** The Content-Length value the application gave, if any. */
  readonly contentLength: string | undefined;
  /** Transfer-Encoding ends with chunked. */
  readonly chunked: boolean;
}

const CHUNKED_TOKEN = /(?:^|,)\s*chunked\s*$/i;

let lastFields: readonly string[] = [];
let last: FieldBlock | null = null;
let lastIsFlat = false;

/**
 * The block for a flat `[name, value, …]` list. `checked`: the fields were validated already (header-validation.ts);
 * otherwise each is checked here and throws SV_ERR_HTTP_INVALID_HEADER_NAME/VALUE. Only checked lists are
 * remembered, so an unchecked one is always checked.
 */
export function fieldBlock(flat: readonly string[], checked: boolean): FieldBlock {
  if (checked && last !== null && sameFields(flat, lastFields)) {
    if (!lastIsFlat) {
      // Flattened once, on its second use: a list seen only once costs no copy.
      last = { ...last, lines: Buffer.from(last.lines, 'latin1').toString('latin1') };
      lastIsFlat = true;
    }
    return last;
  }
  const block = serialize(flat, checked);
  if (checked) {
    lastFields = flat.slice();
    last = block;
    lastIsFlat = false;
  }
  return block;
}

/** Forgets the remembered list (tests). */
export function forgetFieldBlock(): void {
  lastFields = [];
  last = null;
  lastIsFlat = false;
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function serialize(flat: readonly string[], checked: boolean): FieldBlock {
  let lines = '';
  let contentLength: string | undefined;
  let chunked = false;
  let hasDate = false;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i] as string;
    const value = flat[i + 1] as string;
    switch (name.length) {
      case 4:
        if (isFieldName(name, 'date', 'Date')) hasDate = true;
        break;
      case 14:
        // Written by the framing, once it is known: never beside chunked (RFC 9112 §6.3).
        if (isFieldName(name, 'content-length', 'Content-Length')) {
          contentLength = value;
          continue;
        }
        break;
      case 17:
        if (isFieldName(name, 'transfer-encoding', 'Transfer-Encoding')) {
          // The framing is ours: the application may ask for chunked, never for another coding on the wire.
          if (CHUNKED_TOKEN.test(value)) chunked = true;
          continue;
        }
        break;
    }
    lines += checked ? `${name}: ${value}\r\n` : headerLine(name, value);
  }
  return { lines, hasDate, contentLength, chunked };
}
