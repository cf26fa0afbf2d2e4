import { DomainError, InvalidInputError } from "../core/errors.js";

/** The request's cwd is not a directory in the space. */
export class TaskCwdError extends InvalidInputError {
  constructor(cwd: string, why: string) {
    super(`cwd "${cwd}" cannot be used in the space: ${why}`, [{ path: "cwd", message: why }]);
  }
}

/** The space's image carries no task supervisor (a template with another image). */
export class TasksUnsupportedError extends DomainError {
  readonly code = "TASKS_UNSUPPORTED";
}

/** Cancel of an ended task, delete of a running one. */
export class TaskStateError extends DomainError {
  readonly code = "TASK_STATE_CONFLICT";
}

/** The supervisor answered something we cannot use. */
export class TaskStartError extends DomainError {
  readonly code = "TASK_START_FAILED";
}
