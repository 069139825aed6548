/**
 * ParameterLimitValve (org.apache.catalina.valves.ParameterLimitValve, Tomcat 10.1.x): a lower
 * maxParameterCount for the requests whose path matches a pattern. Rules are lines of
 * `url-regex=maxParameterCount`, from the `urlPatternLimits` attribute and then from the file `resourcePath`
 * (WEB-INF/parameter_limit.config of the webapp for a Context valve; conf/<Engine>/<Host>/ for a Host valve,
 * conf/<Engine>/ for an Engine valve), blank lines and `#` comments skipped. The pattern is %-decoded (UTF-8) and
 * must match the whole path: the path within the Context for a Context valve, else the decoded request URI. The
 * first rule that matches, in that order, applies; a request carrying more parameters than its limit is answered
 * 400 with the connector's own error (SV_ERR_HTTP_TOO_MANY_PARAMETERS), as if the Connector's maxParameterCount
 * had been that limit.
 *
 * Differences from Tomcat, both fail closed:
 * - The Connector checks its own maxParameterCount before any valve runs, so a rule can lower the limit but not
 *   raise it above the Connector's.
 * - Tomcat's three-number form (`=maxParameterCount,maxPartCount,maxPartHeaderSize`) is refused: those multipart
 *   limits are the Connector's here (maxPartCount, maxPartHeaderSize); ignoring them would let through what the
 *   configuration means to stop.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAttributes } from '../config/attribute-values.js';
import { compileConfigPattern } from '../config/config-pattern.js';
import type { AttributeValue } from '../config/server-config.js';
import { ContainerBase } from '../core/container-base.js';
import { Context } from '../core/context.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { ConfigError, ContainerError } from '../errors/container-error.js';

export const PARAMETER_LIMIT_VALVE_CLASS = 'org.apache.catalina.valves.ParameterLimitValve';

export interface ParameterLimitRule {
  readonly pattern: RegExp;
  readonly limit: number;
}

export type ParsedRules = { ok: true; rules: ParameterLimitRule[] } | { ok: false; line: number; text: string; problem: string };

/** Parses the lines of a urlPatternLimits attribute or a parameter_limit.config file. */
export function parseParameterLimits(text: string): ParsedRules {
  const rules: ParameterLimitRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (problem: string): ParsedRules => ({ ok: false, line: i + 1, text: line, problem });
    const equals = line.lastIndexOf('=');
    if (equals < 0) return fail('there is no `=`');
    const limits = line.slice(equals + 1).trim();
    if (limits.includes(',')) {
      return fail(
        "per-pattern multipart limits are not supported (use the Connector's maxPartCount and maxPartHeaderSize); write one number",
      );
    }
    if (!/^\d{1,9}$/.test(limits)) return fail(`[${limits}] is not a number of parameters`);
    let source: string;
    try {
      source = decodeURIComponent(line.slice(0, equals).trim());
    } catch {
      return fail('the pattern has an invalid %-escape');
    }
    const compiled = compileConfigPattern(source);
    if (!compiled.ok) return fail(`the pattern cannot be used: ${compiled.reason}`);
    rules.push({ pattern: compiled.regex, limit: Number(limits) });
  }
  return { ok: true, rules };
}

export class ParameterLimitValve extends ContainerValveBase {
  readonly #fromAttribute: readonly ParameterLimitRule[];
  readonly #resourcePath: string;
  readonly #catalinaBase: string;
  #rules: readonly ParameterLimitRule[];

  constructor(attributes: Readonly<Record<string, AttributeValue>>, catalinaBase: string, element = 'Valve[ParameterLimitValve]') {
    super();
    const { urlPatternLimits, resourcePath } = resolveAttributes('Valve:ParameterLimitValve', attributes, element);
    const parsed = parseParameterLimits(urlPatternLimits ?? '');
    if (!parsed.ok) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'urlPatternLimits',
        element,
        value: parsed.text,
        allowed: `lines of url-regex=maxParameterCount (line ${parsed.line}: ${parsed.problem})`,
      });
    }
    this.#fromAttribute = parsed.rules;
    this.#rules = parsed.rules;
    this.#resourcePath = resourcePath;
    this.#catalinaBase = catalinaBase;
  }

  protected override async startInternal(): Promise<void> {
    const file = this.#configFile();
    let rules = this.#fromAttribute;
    if (file !== null && existsSync(file)) {
      const parsed = parseParameterLimits(readFileSync(file, 'utf8'));
      if (!parsed.ok)
        throw new ContainerError('SV_ERR_PARAMETER_LIMIT_CONFIG', {
          source: file,
          line: parsed.line,
          text: parsed.text,
          problem: parsed.problem,
        });
      rules = [...rules, ...parsed.rules];
    }
    this.#rules = rules;
    await super.startInternal();
  }

  /** Where resourcePath is looked for (Tomcat's Container.getConfigPath, or the webapp's WEB-INF/). */
  #configFile(): string | null {
    const container = this.container;
    if (container instanceof Context) return container.servletContext.getRealPath(`/WEB-INF/${this.#resourcePath}`);
    if (!(container instanceof ContainerBase)) return null;
    const names: string[] = [];
    for (let c: ContainerBase | null = container; c !== null; c = c.parent) names.unshift(c.name);
    return join(this.#catalinaBase, 'conf', ...names, this.#resourcePath);
  }

  invoke(request: Request, response: Response): ValveResult {
    const rules = this.#rules;
    if (rules.length > 0) {
      const uri = request.getDecodedRequestURI();
      const path = this.container instanceof Context ? uri.slice(request.getContextPath().length) : uri;
      for (const rule of rules) {
        if (!rule.pattern.test(path)) continue;
        if (request.parameterCount() > rule.limit) {
          response.sendError(400, new ContainerError('SV_ERR_HTTP_TOO_MANY_PARAMETERS', { limit: rule.limit }).message);
          return;
        }
        break;
      }
    }
    return this.next!.invoke(request, response);
  }
}
