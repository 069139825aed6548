/**
 * Context descriptors layered as Tomcat does (reference §5): conf/context.xml, then the Host's
 * context.xml.default, then the app's own descriptor (conf/<Engine>/<Host>/<name>.xml or META-INF/context.xml).
 * A later layer overrides only the attributes it sets; its Parameters, Environments, WatchedResources,
 * Valves and Listeners are added after those of the earlier layers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { implementedAttributes } from '../config/attribute-values.js';
import type { ContextElementConfig } from '../config/server-config.js';
import { loadContextDescriptor, loadContextDescriptorFromString, type ConfigEnvironment } from '../config/server-xml-loader.js';
import { parseXml } from '../config/xml-document.js';
import type { Logger } from 'pino';

/** ContextElementConfig fields that are attributes of `<Context>`: every one the table declares, except `path`. */
const ATTRIBUTE_FIELDS: readonly string[] = implementedAttributes('Context')
  .map((spec) => spec.name)
  .filter((name) => name !== 'path');

export function emptyContextConfig(env: ConfigEnvironment): ContextElementConfig {
  return loadContextDescriptorFromString('<Context/>', env, '<defaults>');
}

/** Loads one descriptor file and lays it over `base`. Throws ConfigValidationError / XmlSyntaxError when invalid. */
export function layerDescriptor(base: ContextElementConfig, file: string, env: ConfigEnvironment, logger: Logger): ContextElementConfig {
  const layer = loadContextDescriptor(file, env, {
    onWarning: (problem) => logger.warn(`${problem.file}:${problem.line}: ${problem.message}`),
  });
  // The loader fills defaults in; only the attributes written in the file may override the base.
  const root = parseXml(readFileSync(file, 'utf8'), file);
  const written = new Set([...root.attributes.keys(), ...root.children.map((child) => child.name)]);
  return mergeContextConfig(base, layer, written);
}

/** The same over a descriptor's text (META-INF/context.xml read out of a bundle); `file` names it in problems. */
export function layerDescriptorSource(
  base: ContextElementConfig,
  xml: string,
  file: string,
  env: ConfigEnvironment,
  logger: Logger,
): ContextElementConfig {
  const layer = loadContextDescriptorFromString(xml, env, file, {
    onWarning: (problem) => logger.warn(`${problem.file}:${problem.line}: ${problem.message}`),
  });
  const root = parseXml(xml, file);
  const written = new Set([...root.attributes.keys(), ...root.children.map((child) => child.name)]);
  return mergeContextConfig(base, layer, written);
}

/** Layers the files that exist, in order, over the built-in defaults. */
export function layeredDescriptors(files: readonly string[], env: ConfigEnvironment, logger: Logger): ContextElementConfig {
  let config = emptyContextConfig(env);
  for (const file of files) if (existsSync(file)) config = layerDescriptor(config, file, env, logger);
  return config;
}

/** Fields merged by hand below; any other field is a single nested element (`resources` ← `<Resources>`). */
const LIST_FIELDS = new Set(['path', 'valves', 'listeners', 'parameters', 'environments', 'watchedResources', 'location']);

/** `written` holds the attribute names and child element names the layer's file spells out. */
export function mergeContextConfig(
  base: ContextElementConfig,
  layer: ContextElementConfig,
  written: ReadonlySet<string>,
): ContextElementConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const field of ATTRIBUTE_FIELDS) if (written.has(field)) merged[field] = layer[field as keyof ContextElementConfig];
  const known = new Set<string>([...ATTRIBUTE_FIELDS, ...LIST_FIELDS]);
  for (const [field, value] of Object.entries(layer)) {
    if (!known.has(field) && written.has(field.charAt(0).toUpperCase() + field.slice(1))) merged[field] = value;
  }
  return {
    ...(merged as unknown as ContextElementConfig),
    // `path` is never taken from a descriptor: the file name decides it (reference §5).
    path: base.path,
    valves: [...base.valves, ...layer.valves],
    listeners: [...base.listeners, ...layer.listeners],
    parameters: [...base.parameters, ...layer.parameters],
    environments: [...base.environments.filter((e) => !layer.environments.some((l) => l.name === e.name)), ...layer.environments],
    watchedResources: [...new Set([...base.watchedResources, ...layer.watchedResources])],
    location: layer.location,
  };
}
