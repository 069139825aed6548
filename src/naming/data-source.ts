/**
 * What a realm or a session store needs from a `javax.sql.DataSource` resource: run one parameterized
 * statement and get its rows, and close the pool on shutdown. Deliberately smaller than JDBC: no connection
 * is ever lent out, so none can be leaked or left inside a transaction (which is why several DBCP attributes
 * about abandoned or returned connections have nothing to act on, see pg-settings.ts).
 */
export interface DataSource {
  /** The resource name (`jdbc/users`), for messages. */
  readonly name: string;
  /**
   * Runs `text` with `$1…$n` bound to `values` (never interpolated), on a pooled connection in autocommit.
   * Rejects with the driver's error: a pg `DatabaseError` for an SQL problem, another Error when the server
   * cannot be reached, refuses the login or times out.
   */
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  /** Closes every connection; queries after it reject. */
  end(): Promise<void>;
}
