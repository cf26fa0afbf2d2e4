import { taskStateLabel } from "./taskFormat";

/** Colour and a shape (CSS) for a glance, the word for everyone: the state never rests on colour alone. */
export function TaskStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge task-state task-${state}`} data-state={state}>
      {taskStateLabel(state)}
    </span>
  );
}
