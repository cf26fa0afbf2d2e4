import { useLayoutEffect, useRef, useState } from "react";
import { isNearBottom } from "./tasks/taskLog";

/**
 * Keeps a scrolling box at its bottom as `content` grows, unless the reader scrolled up;
 * `away` says they did, and `toEnd` brings them back.
 */
export function useStickToBottom<T extends HTMLElement>(content: unknown) {
  const box = useRef<T>(null);
  // A ref, not state: the scroll handler must not re-render on every wheel tick.
  const stick = useRef(true);
  const [away, setAway] = useState(false);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [content]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    stick.current = isNearBottom(el);
    setAway(!stick.current);
  };
  const toEnd = () => {
    const el = box.current;
    if (!el) return;
    stick.current = true;
    setAway(false);
    el.scrollTop = el.scrollHeight;
  };
  return { box, away, onScroll, toEnd };
}
