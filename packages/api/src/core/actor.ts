/** Who asked for an operation, for the audit log. */
export interface Actor {
  actor?: string;
  requestId?: string;
}
