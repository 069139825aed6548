/**
 * PUT and DELETE of static files (DefaultServlet with readonly=false): uploads land in a randomly named
 * temporary file outside the docBase first and are copied into place only when complete, so a client
 * never sees half a file and a partial PUT can never choose a file name (CVE-2025-24813).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ResourceCache, WebResource } from '../resources/resource-cache.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { parseContentRange } from './range-requests.js';

let tempRoot: Promise<string> | null = null;

/** One private directory per process for upload temp files, apart from the docBase and any session store. */
function tempDirectory(): Promise<string> {
  tempRoot ??= mkdtemp(join(tmpdir(), 'serval-put-'));
  return tempRoot;
}

/** `put-part-<random>`: the name carries nothing from the request. */
async function tempFile(): Promise<string> {
  return join(await tempDirectory(), `put-part-${randomBytes(16).toString('hex')}`);
}

/**
 * Stores the request body at `path`: 201 when the file is new, 204 when it replaced one; 409 when the
 * target cannot be written (a directory, a missing parent, a link leaving the docBase, a trailing `/`).
 * With Content-Range the body patches the current file (400 when partial PUT is disabled or the range is
 * malformed).
 */
export async function storeResource(
  cache: ResourceCache,
  path: string,
  existing: WebResource,
  request: HttpServletRequest,
  response: HttpServletResponse,
  allowPartialPut: boolean,
): Promise<void> {
  const contentRange = request.getHeader('Content-Range');
  const range = contentRange === null ? null : parseContentRange(contentRange);
  if (contentRange !== null && (!allowPartialPut || range === null)) {
    response.sendError(
      400,
      contentRange === null || allowPartialPut ? 'Invalid Content-Range' : 'Partial PUT is disabled (allowPartialPut=false)',
    );
    return;
  }
  const target = existing.kind === 'directory' ? null : await cache.writableTarget(path);
  if (target === null) {
    response.sendError(409, `Cannot write [${path}]`);
    return;
  }
  const temp = await tempFile();
  try {
    if (range !== null) {
      if (existing.kind === 'file') await copyFile(existing.realPath, temp);
      // Write the slice at its offset into the copy; bytes past the end of the old file simply extend it.
      const flags = existing.kind === 'file' ? 'r+' : 'w';
      await pipeline(request.getInputStream(), createWriteStream(temp, { flags, start: range.start }));
    } else {
      await pipeline(request.getInputStream(), createWriteStream(temp));
    }
    await copyFile(temp, target);
  } catch (error) {
    response.sendError(409, `Cannot write [${path}]: ${error instanceof Error ? error.message : String(error)}`);
    return;
  } finally {
    cache.invalidate(path);
    await rm(temp, { force: true });
  }
  response.setStatus(existing.kind === 'file' ? 204 : 201);
}

/** DELETE: 204 when the file (or an empty directory) is gone, 404 when it was missing, 405 when it cannot go. */
export async function deleteResource(
  cache: ResourceCache,
  path: string,
  existing: WebResource,
  response: HttpServletResponse,
): Promise<void> {
  if (existing.kind !== 'file' && existing.kind !== 'directory') {
    response.sendError(404, path);
    return;
  }
  const base = await cache.docBase();
  // The name the client used: deleting a symbolic link removes the link, never what it points to.
  const named = base === null ? existing.realPath : join(base, path);
  try {
    if (existing.kind === 'file') await unlink(named);
    else await rmdir(named);
  } catch {
    response.sendError(405, `Cannot delete [${path}]`);
    return;
  } finally {
    cache.invalidate(path);
  }
  response.setStatus(204);
}
