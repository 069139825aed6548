// The built-in servlets' init-parameter table: one declaration of each parameter's name, type, default and doc,
// read typed by the servlet and listed in docs/configuration.md.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { renderAttributeDocs } from '../../../src/config/attribute-docs.js';
import { convertAttribute } from '../../../src/config/attribute-values.js';
import { initParameterTable, initParametersOf, readInitParameters, type InitParameters } from '../../../src/config/init-parameters.js';

const invalid = (name: string, value: string, allowed: string): Error => new RangeError(`${name}|${value}|${allowed}`);
const read =
  (params: Record<string, string>) =>
  (name: string): string | null =>
    params[name] ?? null;

describe('DefaultServlet init parameters', () => {
  it('are typed from the table', () => {
    expectTypeOf<InitParameters<'DefaultServlet'>['listings']>().toEqualTypeOf<boolean>();
    expectTypeOf<InitParameters<'DefaultServlet'>['sendfileSize']>().toEqualTypeOf<number>();
    expectTypeOf<InitParameters<'DefaultServlet'>['directoryRedirectStatusCode']>().toEqualTypeOf<'301' | '302' | '303' | '307' | '308'>();
    const params = null as unknown as InitParameters<'DefaultServlet'>;
    // @ts-expect-error no such init parameter
    const misspelt = (): unknown => params.listing;
    expect(misspelt).toBeTypeOf('function');
  });

  it('have defaults that pass their own validation', () => {
    for (const spec of initParameterTable) expect(convertAttribute(spec, String(spec.default)).ok, spec.name).toBe(true);
  });

  it('take Tomcat 10.1 defaults when absent or blank', () => {
    const defaults = {
      listings: false,
      readonly: true,
      allowPartialPut: true,
      fileEncoding: 'UTF-8',
      sendfileSize: 48,
      useAcceptRanges: true,
      showServerInfo: true,
      sortListings: false,
      sortDirectoriesFirst: false,
      precompressed: 'false',
      directoryRedirectStatusCode: '302',
      allowPostAsGet: true,
      useStrongETags: false,
    };
    expect(readInitParameters('DefaultServlet', read({}), invalid)).toEqual(defaults);
    expect(readInitParameters('DefaultServlet', read({ listings: '', sendfileSize: ' \n ' }), invalid)).toEqual(defaults);
  });

  it('convert trimmed values, and refuse others through `invalid` with the value as written', () => {
    expect(
      readInitParameters(
        'DefaultServlet',
        read({ listings: ' True ', sendfileSize: '-1', directoryRedirectStatusCode: '\n301\n' }),
        invalid,
      ),
    ).toMatchObject({ listings: true, sendfileSize: -1, directoryRedirectStatusCode: '301' });
    expect(() => readInitParameters('DefaultServlet', read({ readonly: 'no' }), invalid)).toThrow('readonly|no|true or false');
    expect(() => readInitParameters('DefaultServlet', read({ sendfileSize: '1.5' }), invalid)).toThrow(
      /^sendfileSize\|1\.5\|an integer from/,
    );
    expect(() => readInitParameters('DefaultServlet', read({ directoryRedirectStatusCode: '304' }), invalid)).toThrow(
      'directoryRedirectStatusCode|304|one of [301, 302, 303, 307, 308]',
    );
  });

  it('are each documented in docs/configuration.md with their default', () => {
    const docs = renderAttributeDocs();
    const section = docs.slice(docs.indexOf('## DefaultServlet init parameters'));
    for (const spec of initParametersOf('DefaultServlet')) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${spec.name}\` |`));
      expect(row, spec.name).toBeDefined();
      expect(row, spec.name).toContain(` | ${typeof spec.default === 'string' ? `\`${spec.default}\`` : String(spec.default)} | `);
    }
    expect(section).toContain('| `sendfileSize` | int -2147483647–1073741824 | 48 | KiB |');
  });
});
