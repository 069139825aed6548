/** One received multipart part (Servlet spec §3.2 Part): its headers and its content, in memory or in a temporary file. */
import { createReadStream } from 'node:fs';
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Part } from '../servlet/part.js';
import type { PartHeaders } from './multipart-scanner.js';

export type PartContent =
  { readonly kind: 'memory'; readonly bytes: Buffer } | { readonly kind: 'file'; readonly path: string; readonly size: number };

export class ContainerPart implements Part {
  readonly #name: string;
  readonly #fileName: string | null;
  readonly #headers: PartHeaders;
  /** Where relative names given to write() go (the multipart-config location). */
  readonly #location: string;
  #content: PartContent;
  /** The temporary file is ours until write() moved it or delete() removed it. */
  #ownsFile: boolean;

  constructor(name: string, fileName: string | null, headers: PartHeaders, content: PartContent, location: string) {
    this.#name = name;
    this.#fileName = fileName;
    this.#headers = headers;
    this.#content = content;
    this.#ownsFile = content.kind === 'file';
    this.#location = location;
  }

  getName(): string {
    return this.#name;
  }
  getSubmittedFileName(): string | null {
    return this.#fileName;
  }
  getContentType(): string | null {
    return this.getHeader('content-type');
  }
  getSize(): number {
    return this.#content.kind === 'memory' ? this.#content.bytes.length : this.#content.size;
  }
  getHeader(name: string): string | null {
    const lower = name.toLowerCase();
    return this.#headers.find(([n]) => n.toLowerCase() === lower)?.[1] ?? null;
  }
  getHeaders(name: string): string[] {
    const lower = name.toLowerCase();
    return this.#headers.filter(([n]) => n.toLowerCase() === lower).map(([, value]) => value);
  }
  getHeaderNames(): string[] {
    const seen = new Map<string, string>();
    for (const [name] of this.#headers) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
    return [...seen.values()];
  }

  getInputStream(): Readable {
    const content = this.#content;
    if (content.kind === 'memory') return Readable.from([content.bytes], { objectMode: false });
    return createReadStream(content.path);
  }

  /** The content as bytes when it is held in memory (form fields), else null. */
  bytesIfInMemory(): Buffer | null {
    return this.#content.kind === 'memory' ? this.#content.bytes : null;
  }

  /** The temporary file holding the content, while there is one (for tests and cleanup). */
  get temporaryFile(): string | null {
    return this.#content.kind === 'file' && this.#ownsFile ? this.#content.path : null;
  }

  async write(fileName: string): Promise<void> {
    const target = isAbsolute(fileName) ? fileName : join(this.#location, fileName);
    const content = this.#content;
    if (content.kind === 'memory') {
      await writeFile(target, content.bytes);
      return;
    }
    if (this.#ownsFile) {
      try {
        await rename(content.path, target);
        this.#content = { kind: 'file', path: target, size: content.size };
        this.#ownsFile = false;
        return;
      } catch {
        // Another file system (EXDEV): copy instead, the temporary file is removed at the end of the request.
      }
    }
    await copyFile(content.path, target);
  }

  async delete(): Promise<void> {
    const content = this.#content;
    if (content.kind !== 'file' || !this.#ownsFile) return;
    this.#ownsFile = false;
    await rm(content.path, { force: true });
  }
}
