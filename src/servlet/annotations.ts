/**
 * Decorators that declare servlets, filters and listeners in code (Servlet spec ch. 8), stored with
 * reflect-metadata. The deployer reads them from classes found in WEB-INF/classes unless
 * web.xml says metadata-complete="true".
 */
import 'reflect-metadata';
import type { DispatcherType } from './dispatcher-type.js';

export interface WebInitParamOptions {
  name: string;
  value: string;
  description?: string;
}

/**
 * Multipart limits of a servlet (Servlet spec §8.1.5, `<multipart-config>`): sizes in bytes, -1 = no limit.
 */
export interface MultipartConfigOptions {
  /** Where parts larger than fileSizeThreshold are written; relative to the Context's temporary folder. */
  location?: string;
  /** Largest single part; -1 (default) = no limit. */
  maxFileSize?: number;
  /** Largest whole multipart body; -1 (default) = no limit. */
  maxRequestSize?: number;
  /** Parts larger than this go to a temporary file; default 0 (every non-empty part). */
  fileSizeThreshold?: number;
}

export interface WebServletOptions {
  /** Defaults to the class name. */
  name?: string;
  /** URL patterns (alias: value). */
  urlPatterns?: string[];
  value?: string[];
  loadOnStartup?: number;
  initParams?: WebInitParamOptions[];
  asyncSupported?: boolean;
  /** The same as a @MultipartConfig decorator on the class. */
  multipartConfig?: MultipartConfigOptions;
  description?: string;
  displayName?: string;
}

export interface WebFilterOptions {
  filterName?: string;
  urlPatterns?: string[];
  value?: string[];
  servletNames?: string[];
  dispatcherTypes?: DispatcherType[];
  initParams?: WebInitParamOptions[];
  asyncSupported?: boolean;
  description?: string;
  displayName?: string;
}

export interface WebListenerOptions {
  value?: string;
}

export const WEB_SERVLET_METADATA = 'serval:WebServlet';
export const WEB_FILTER_METADATA = 'serval:WebFilter';
export const WEB_LISTENER_METADATA = 'serval:WebListener';
export const WEB_INIT_PARAM_METADATA = 'serval:WebInitParam';
export const MULTIPART_CONFIG_METADATA = 'serval:MultipartConfig';

type Constructor = abstract new (...args: never[]) => unknown;

/** `@WebServlet('/hello')`, `@WebServlet(['/a', '/b'])` or `@WebServlet({ urlPatterns, name, … })`. */
export function WebServlet(options: string | string[] | WebServletOptions): ClassDecorator {
  const normalised: WebServletOptions =
    typeof options === 'string' ? { urlPatterns: [options] } : Array.isArray(options) ? { urlPatterns: options } : options;
  return (target) => {
    Reflect.defineMetadata(WEB_SERVLET_METADATA, normalised, target);
  };
}

/** `@WebFilter('/*')` or `@WebFilter({ urlPatterns, servletNames, dispatcherTypes, … })`. */
export function WebFilter(options: string | string[] | WebFilterOptions): ClassDecorator {
  const normalised: WebFilterOptions =
    typeof options === 'string' ? { urlPatterns: [options] } : Array.isArray(options) ? { urlPatterns: options } : options;
  return (target) => {
    Reflect.defineMetadata(WEB_FILTER_METADATA, normalised, target);
  };
}

/** Marks a class as an application listener. */
export function WebListener(options: string | WebListenerOptions = {}): ClassDecorator {
  const normalised: WebListenerOptions = typeof options === 'string' ? { value: options } : options;
  return (target) => {
    Reflect.defineMetadata(WEB_LISTENER_METADATA, normalised, target);
  };
}

/** Adds one init parameter; stacks with initParams given to @WebServlet / @WebFilter. */
export function WebInitParam(param: WebInitParamOptions): ClassDecorator {
  return (target) => {
    const existing = (Reflect.getOwnMetadata(WEB_INIT_PARAM_METADATA, target) as WebInitParamOptions[] | undefined) ?? [];
    Reflect.defineMetadata(WEB_INIT_PARAM_METADATA, [param, ...existing], target);
  };
}

/** `@MultipartConfig()` or `@MultipartConfig({ maxFileSize, … })`: the servlet's getParts() is available. */
export function MultipartConfig(options: MultipartConfigOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(MULTIPART_CONFIG_METADATA, { ...options }, target);
  };
}

export interface ClassAnnotations {
  servlet?: WebServletOptions | undefined;
  /** @MultipartConfig, or else the multipartConfig option of @WebServlet. */
  multipartConfig?: MultipartConfigOptions | undefined;
  filter?: WebFilterOptions | undefined;
  listener?: WebListenerOptions | undefined;
  initParams: WebInitParamOptions[];
}

/** What the decorators declared on a class (own metadata only: subclasses do not inherit a mapping). */
export function readAnnotations(target: Constructor): ClassAnnotations {
  const servlet = Reflect.getOwnMetadata(WEB_SERVLET_METADATA, target) as WebServletOptions | undefined;
  return {
    servlet,
    multipartConfig:
      (Reflect.getOwnMetadata(MULTIPART_CONFIG_METADATA, target) as MultipartConfigOptions | undefined) ?? servlet?.multipartConfig,
    filter: Reflect.getOwnMetadata(WEB_FILTER_METADATA, target) as WebFilterOptions | undefined,
    listener: Reflect.getOwnMetadata(WEB_LISTENER_METADATA, target) as WebListenerOptions | undefined,
    initParams: (Reflect.getOwnMetadata(WEB_INIT_PARAM_METADATA, target) as WebInitParamOptions[] | undefined) ?? [],
  };
}
