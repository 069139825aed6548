/**
 * A multipart part as webapp code sees it: the Part API only. Where its bytes live (memory or a temporary
 * file), which the container reads for form fields and cleans up after the request, stays behind it.
 */
import type { Readable } from 'node:stream';
import type { Part } from '../servlet/part.js';

export class PartFacade implements Part {
  readonly #part: Part;

  constructor(part: Part) {
    this.#part = part;
  }

  getName(): string {
    return this.#part.getName();
  }
  getSubmittedFileName(): string | null {
    return this.#part.getSubmittedFileName();
  }
  getContentType(): string | null {
    return this.#part.getContentType();
  }
  getSize(): number {
    return this.#part.getSize();
  }
  getHeader(name: string): string | null {
    return this.#part.getHeader(name);
  }
  getHeaders(name: string): string[] {
    return this.#part.getHeaders(name);
  }
  getHeaderNames(): string[] {
    return this.#part.getHeaderNames();
  }
  getInputStream(): Readable {
    return this.#part.getInputStream();
  }
  write(fileName: string): Promise<void> {
    return this.#part.write(fileName);
  }
  delete(): Promise<void> {
    return this.#part.delete();
  }
}
