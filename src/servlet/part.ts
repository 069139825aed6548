/** One part of a multipart/form-data request body (Servlet spec §3.2, RFC 7578), as getParts() returns it. */
import type { Readable } from 'node:stream';

export interface Part {
  /** The `name` parameter of the part's Content-Disposition. */
  getName(): string;
  /** The `filename` the client sent (path stripped), or null for a plain form field. */
  getSubmittedFileName(): string | null;
  /** The part's Content-Type header, or null when it has none. */
  getContentType(): string | null;
  /** Size of the part's content in bytes. */
  getSize(): number;
  getHeader(name: string): string | null;
  getHeaders(name: string): string[];
  getHeaderNames(): string[];
  /** The content, from memory or from its temporary file. */
  getInputStream(): Readable;
  /**
   * Saves the content to `fileName`; a relative name is resolved against the multipart-config location.
   * A part held in a temporary file is moved there when possible (no copy).
   */
  write(fileName: string): Promise<void>;
  /** Removes the temporary file now instead of at the end of the request. */
  delete(): Promise<void>;
}
