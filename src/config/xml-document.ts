/**
 * A small element tree over saxes (a maintained, strict XML parser) that keeps the line and column of
 * every element, so configuration errors can name file:line and the element path.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { ConfigError } from '../errors/container-error.js';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
}

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** Concatenated character data directly inside this element, trimmed. */
  text: string;
  readonly line: number;
  readonly column: number;
  /** e.g. `Server/Service[0]/Connector[1]`: indexes count siblings of the same name. */
  readonly path: string;
  readonly parent: XmlElement | null;
}

/** A document that is not well-formed: SV_ERR_CONFIG_XML_SYNTAX with saxes' reason, located as file:line:column. */
export class XmlSyntaxError extends ConfigError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super('SV_ERR_CONFIG_XML_SYNTAX', { detail });
    this.message = `${file}:${line}:${column}: ${this.message}`;
  }
}

export function parseXmlFile(file: string): XmlElement {
  return parseXml(readFileSync(file, 'utf8'), file);
}

/** Parses a document; DTDs and external entities are never fetched (XXE-safe: saxes resolves none). */
export function parseXml(source: string, file = '<string>'): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true, fileName: file });
  const stack: { element: XmlElement; counts: Map<string, number>; text: string[] }[] = [];
  let root: XmlElement | null = null;
  let firstError: XmlSyntaxError | null = null;

  parser.on('error', (error) => {
    if (!firstError) {
      // saxes prefixes its messages with file:line:column; keep only the detail.
      const detail = error.message.replace(/^[^:]*:\d+:\d+: /, '');
      firstError = new XmlSyntaxError(file, parser.line, parser.column, detail);
    }
  });
  let openLine = 1;
  let openColumn = 0;
  parser.on('opentagstart', () => {
    openLine = parser.line;
    openColumn = parser.column;
  });
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const parentFrame = stack.at(-1);
    let path = name;
    if (parentFrame) {
      const index = parentFrame.counts.get(name) ?? 0;
      parentFrame.counts.set(name, index + 1);
      path = `${parentFrame.element.path}/${name}[${index}]`;
    }
    const attributes = new Map<string, string>();
    for (const [key, value] of Object.entries(tag.attributes)) {
      attributes.set(localName(key), String(value));
    }
    const element: XmlElement = {
      name,
      attributes,
      children: [],
      text: '',
      line: openLine,
      column: openColumn,
      path,
      parent: parentFrame?.element ?? null,
    };
    if (parentFrame) parentFrame.element.children.push(element);
    else root = element;
    stack.push({ element, counts: new Map(), text: [] });
  });
  const onText = (text: string): void => {
    stack.at(-1)?.text.push(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const frame = stack.pop();
    if (frame) frame.element.text = frame.text.join('').trim();
  });

  try {
    parser.write(source).close();
  } catch (error) {
    if (!firstError) firstError = new XmlSyntaxError(file, parser.line, parser.column, String((error as Error).message));
  }
  if (firstError) throw firstError;
  if (!root) throw new XmlSyntaxError(file, 1, 0, 'the document has no root element');
  return root;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** The trimmed text of the first child element with this name, or null. */
export function childText(element: XmlElement, name: string): string | null {
  const child = element.children.find((c) => c.name === name);
  return child ? child.text : null;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
