// Issue #19, "the codebase reads as a map": a source file over 500 lines says at its top why it is that long
// (a sentence starting "Long because" or "Long by nature"), so that size is a decision, not drift.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(__dirname, '..', '..', '..');
const LIMIT = 500;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The first block comment of a file, if the file starts with one. */
export function topComment(text: string): string {
  const match = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(text);
  // One line of prose: the comment's line breaks and leading asterisks removed.
  return (match?.[1] ?? '').replace(/\s*\n\s*\*?\s*/g, ' ');
}

export function explainsLength(text: string): boolean {
  return /Long (because|by nature)/.test(topComment(text));
}

describe('long source files', () => {
  it('say at their top why they are long', () => {
    const unexplained = sourceFiles(join(repoRoot, 'src'))
      .map((path) => ({ path: relative(repoRoot, path), text: readFileSync(path, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > LIMIT && !explainsLength(text))
      .map(({ path, text }) => `${path} (${text.split('\n').length} lines)`);
    expect(unexplained).toEqual([]);
  });

  it('the check reads only the comment at the top', () => {
    expect(explainsLength('/**\n * A thing. Long because it is wide.\n */\nexport {}')).toBe(true);
    expect(explainsLength('import x from "y";\n/** Long because */')).toBe(false);
    expect(explainsLength('/** A thing. */\n// Long because of nothing')).toBe(false);
    expect(explainsLength('/**\n * A thing. Long by\n * nature: one entry per code.\n */')).toBe(true);
  });
});
