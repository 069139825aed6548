// Message parameters are typed per code from the catalogue's templates. The `@ts-expect-error` lines are the
// type test: `npm run typecheck` (test/tsconfig.json) fails if any of them compiles, i.e. if a wrong parameter
// set were accepted. At runtime they show what the compiler prevents: an unfilled `{placeholder}` stays visible.
import { describe, expect, it } from 'vitest';
import { codes, formatMessage, formatUnchecked, type CodedMessage, type ErrorCode, type ParamsOf } from '../../../src/errors/codes.js';
import { ContainerError, DeployError, ProtocolError, reviveError } from '../../../src/errors/container-error.js';

const allCodes = Object.keys(codes) as ErrorCode[];
const placeholders = (code: ErrorCode): string[] => [...codes[code].message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

describe('typed message parameters', () => {
  it('accept exactly the placeholders of the code', () => {
    expect(new ProtocolError('SV_ERR_HTTP_HEADER_TOO_LARGE', { limit: 8192 }).message).toBe(
      'Request header section exceeds maxHttpHeaderSize [8192]',
    );
    expect(formatMessage('SV_ERR_HTTP_TOO_MANY_HEADERS', { count: 120, limit: 100 })).toBe(
      'Request has [120] headers, more than maxHeaderCount [100]',
    );
    // A code without placeholders takes no parameters at all.
    expect(new ContainerError('SV_ERR_AJP_READER_FAILED').message).toBe(
      'The AJP packet reader of this connection already failed; nothing after the first bad packet is read',
    );
  });

  it('refuse a missing, a misspelt or an extra parameter', () => {
    // @ts-expect-error -- `limit` is missing
    const missing = new ProtocolError('SV_ERR_HTTP_HEADER_TOO_LARGE', {});
    expect(missing.message).toBe('Request header section exceeds maxHttpHeaderSize [{limit}]');
    // @ts-expect-error -- `limt` is not a parameter of this code
    expect(formatMessage('SV_ERR_HTTP_HEADER_TOO_LARGE', { limt: 1 })).toContain('[{limit}]');
    // @ts-expect-error -- `extra` is not a parameter of this code
    expect(formatMessage('SV_ERR_HTTP_HEADER_TOO_LARGE', { limit: 1, extra: 2 })).toContain('[1]');
    // @ts-expect-error -- parameters may be left out only for a code without placeholders
    expect(formatMessage('SV_ERR_HTTP_HEADER_TOO_LARGE')).toContain('[{limit}]');
    // @ts-expect-error -- a code without placeholders takes none
    expect(new ContainerError('SV_ERR_AJP_READER_FAILED', { reader: 'x' }).code).toBe('SV_ERR_AJP_READER_FAILED');
    // @ts-expect-error -- a parameter is a string, number or boolean: undefined would print as nothing
    expect(formatMessage('SV_ERR_HTTP_HEADER_TOO_LARGE', { limit: undefined })).toContain('[undefined]');
  });

  it('check subclasses and log records the same way', () => {
    expect(
      new DeployError('SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT', { file: 'a.war', what: 'entry count', value: 70000, limit: 65535 }).message,
    ).toBe('Bundle [a.war] cannot be written: entry count [70000] exceeds the zip format limit [65535] (Serval writes no zip64)');
    const record: CodedMessage = { code: 'SV_ERR_SESSION_ID_GENERATION', params: { attempts: 5 } };
    expect(formatUnchecked(record.code, record.params ?? {})).toBe('Could not generate a unique session id after [5] attempts');
    // @ts-expect-error -- a log record's params are matched to its code too
    const wrong: CodedMessage = { code: 'SV_ERR_SESSION_ID_GENERATION', params: { tries: 5 } };
    expect(wrong.code).toBe('SV_ERR_SESSION_ID_GENERATION');
  });

  it('take only a declared phrase for {reason}', () => {
    expect(
      new ProtocolError('SV_ERR_URI_INVALID', { uri: '/a/../..', reason: 'the path goes above the root with', value: '..' }).message,
    ).toBe('The request URI [/a/../..] is invalid: the path goes above the root with [..]');
    const reason: ParamsOf<'SV_ERR_DEPLOY_URL_PATTERN_INVALID'>['reason'] = 'the extension after [*.] is empty';
    expect(formatMessage('SV_ERR_DEPLOY_URL_PATTERN_INVALID', { pattern: '*.', reason })).toBe(
      'The url-pattern [*.] is invalid: the extension after [*.] is empty (Servlet spec §12.2)',
    );
    // @ts-expect-error -- not one of the reasons SV_ERR_URI_INVALID lists
    expect(formatMessage('SV_ERR_URI_INVALID', { uri: '/x', reason: 'it looks odd', value: 'x' })).toContain('it looks odd');
  });

  it('take {detail} only for a code that says where its free text comes from', () => {
    expect(formatMessage('SV_ERR_HTTP_BAD_REQUEST', { detail: 'Invalid method encountered' })).toBe(
      'The request could not be parsed: Invalid method encountered',
    );
    const code = 'SV_ERR_HTTP_HOST_COUNT' as ErrorCode;
    // A code chosen at runtime goes through the unchecked path only.
    // @ts-expect-error -- the whole ErrorCode union would accept any code's parameters
    expect(formatMessage(code, { count: 2 })).toContain('[2]');
    expect(reviveError('ProtocolError', code, { count: 2 }, {})).toMatchObject({ name: 'ProtocolError', code, status: 400 });
  });
});

describe('the catalogue declares its free text and its reasons', () => {
  it('a template with {detail} says where the text comes from, and only such a template declares it', () => {
    const problems: string[] = [];
    for (const code of allCodes) {
      const hasDetail = placeholders(code).includes('detail');
      const source = codes[code].detail;
      if (hasDetail && (source === undefined || source.length < 10)) problems.push(`${code}: {detail} without a source`);
      if (!hasDetail && source !== undefined) problems.push(`${code}: declares a detail source but has no {detail}`);
    }
    expect(problems).toEqual([]);
  });

  it('a template with {reason} lists its reasons, each once, and only such a template lists them', () => {
    const problems: string[] = [];
    for (const code of allCodes) {
      const hasReason = placeholders(code).includes('reason');
      const reasons = codes[code].reasons;
      if (hasReason && (reasons === undefined || reasons.length < 2)) problems.push(`${code}: {reason} without at least two reasons`);
      if (!hasReason && reasons !== undefined) problems.push(`${code}: lists reasons but has no {reason}`);
      if (reasons !== undefined && new Set(reasons).size !== reasons.length) problems.push(`${code}: a reason is listed twice`);
    }
    expect(problems).toEqual([]);
  });

  it('no template is only free text', () => {
    const bare = allCodes.filter((code) => /^\{\w+\}$/.test(codes[code].message.trim()) && !code.startsWith('SV_MSG_'));
    expect(bare).toEqual([]);
  });
});
