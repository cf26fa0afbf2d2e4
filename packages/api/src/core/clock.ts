/** Milliseconds since the epoch; injected so tests move time by hand. */
export type Clock = () => number;
