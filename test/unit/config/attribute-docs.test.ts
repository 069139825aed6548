import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayName, renderAttributeDocs } from '../../../src/config/attribute-docs.js';
import { attributeTable } from '../../../src/config/attributes.js';

const docsFile = resolve(__dirname, '../../../docs/configuration.md');

describe('docs/configuration.md', () => {
  const rendered = renderAttributeDocs();

  it('has a row for every attribute of the table, tomcat-only ones marked', () => {
    for (const spec of attributeTable) {
      const heading = spec.owner.includes(':') ? `## ${spec.owner.replace(':', ' ')}` : `## ${spec.owner}`;
      const section = rendered.slice(rendered.indexOf(heading));
      const row = section.split('\n').find((line) => line.startsWith(`| \`${displayName(spec)}\` |`));
      expect(row, `${spec.owner}.${spec.name}`).toBeDefined();
      expect(row!.includes('Tomcat only'), `${spec.owner}.${spec.name}`).toBe(spec.tomcatOnly === true);
    }
    expect(rendered).toContain('| `connectionTimeout` | int 0–2147483647, -1 = unlimited | 60000 (AJP: -1) | ms |');
    expect(rendered).toContain('| `keepAliveTimeout` | int 0–2147483647, -1 = unlimited | = connectionTimeout | ms |');
    expect(rendered).toContain('| `encodedSolidusHandling` | enum: reject \\| decode \\| passthrough | `reject` |');
    // Computed defaults are documented beside the plain one.
    expect(rendered).toContain('| `maxThreads` | int 1–2147483647 | 200 (blocking style: twice the available cores) |');
    expect(rendered).toContain('| `certificateKeyFile` | path | = certificateFile |');
  });

  it('is up to date (SERVAL_UPDATE_DOCS=1 rewrites it)', () => {
    if (process.env['SERVAL_UPDATE_DOCS'] === '1') writeFileSync(docsFile, rendered);
    expect(readFileSync(docsFile, 'utf8')).toBe(rendered);
  });
});
