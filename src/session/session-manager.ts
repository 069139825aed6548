/**
 * What a Context needs from its session Manager. StandardManager keeps sessions in memory; later
 * implementations (persistent, shared across workers or machines) satisfy the same interface.
 */
import type { HttpSession } from '../servlet/http-session.js';
import type { StoredSessions } from './session-file.js';

export interface ManagedSession extends HttpSession {
  /** False once invalidated or expired. */
  isValid(): boolean;
  /** Marks the start of a request using this session (updates last-accessed time, clears isNew at end). */
  access(): void;
  /** Marks the end of that request. */
  endAccess(): void;
  /** What webapp code is handed for this session: the HttpSession API and nothing else. */
  readonly facade: HttpSession;
  /**
   * Notes: what the container keeps with a session and the application never sees (Tomcat's Session notes): the
   * authenticated user, a FORM login's saved request. Values are plain data (they cross threads).
   */
  getNote(name: string): unknown;
  /** Tomcat's Session.getNoteNames(): what a worker thread's snapshot of the session carries. */
  getNoteNames(): string[];
  setNote(name: string, value: unknown): void;
  removeNote(name: string): void;
}

export interface SessionManager {
  /** A new session with a fresh id (never one the client chose). */
  createSession(): ManagedSession;
  /** The valid session with this id, or null (unknown, expired or invalidated). */
  findSession(id: string): ManagedSession | null;
  /** Gives the session a fresh id (session-fixation defence) and returns it. */
  changeSessionId(session: ManagedSession): string;
  /** Default max inactive interval for new sessions, in seconds. */
  sessionTimeoutSeconds: number;
  getActiveSessionCount(): number;
  /** Called on every background tick; expires idle sessions every processExpiresFrequency-th call. */
  backgroundProcess(): void;
  start(): Promise<void>;
  /**
   * Once the application's listeners ran (they register its SessionTypes): the sessions carried over a reload,
   * else those its file kept across a restart.
   */
  restore(carried: StoredSessions | null): Promise<void>;
  /**
   * Ends every session. Those the Manager keeps (StandardManager: every storable one) are saved to its file and
   * returned, for a reload to carry over; the others expire (sessionDestroyed listeners run).
   */
  stop(): Promise<StoredSessions | null>;
}
