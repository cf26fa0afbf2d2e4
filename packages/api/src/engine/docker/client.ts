import Docker from "dockerode";
import { SpaceNotFoundError, type RuntimeError } from "../errors.js";
import type { EngineEndpoint } from "../engine.js";
import { translate } from "./translate.js";

/** Told of every engine call by name (the benchmark and a test count them); never needed in production. */
export type CallObserver = (op: string) => void;

/**
 * The one connection the Docker adapters share: the dockerode client, the error translation
 * around every call, and the verified container ids of spaces.
 */
export class DockerClient {
  readonly docker: Docker;
  /** Container ids of spaces whose labels we verified; ops go by id so a same-named stranger is never touched. */
  private readonly ids = new Map<string, string>();
  /** Set by the containers adapter: an inspect that verifies our label and remembers the id. */
  resolve: (name: string) => Promise<string> = async (name) => {
    throw new SpaceNotFoundError(name);
  };

  constructor(
    endpoint: EngineEndpoint,
    private readonly observe: CallObserver = () => undefined,
  ) {
    this.docker = new Docker(endpoint);
  }

  /** Counts the engine call and translates its failure into our errors. */
  async call<T>(op: string, fn: () => Promise<T>, on404?: () => RuntimeError): Promise<T> {
    this.observe(op);
    try {
      return await fn();
    } catch (e) {
      throw translate(e, on404);
    }
  }

  /** A call that is not an engine call (a host file read), reported under its own name. */
  noteLocal(op: string): void {
    this.observe(op);
  }

  remember(name: string, id: string): void {
    this.ids.set(name, id);
  }

  forget(name: string): void {
    this.ids.delete(name);
  }

  /** The container id of a space whose labels we verified (an inspect the first time). */
  async idOf(name: string): Promise<string> {
    return this.ids.get(name) ?? (await this.resolve(name));
  }

  /** Runs an op against the verified container id, re-resolving once if the cached id went stale. */
  async onContainer<T>(name: string, op: string, fn: (c: Docker.Container) => Promise<T>): Promise<T> {
    const cached = this.ids.get(name);
    const id = await this.idOf(name);
    const notFound = () => new SpaceNotFoundError(name);
    try {
      return await this.call(op, () => fn(this.docker.getContainer(id)), notFound);
    } catch (e) {
      if (!(e instanceof SpaceNotFoundError) || !cached) throw e;
      this.ids.delete(name);
      const fresh = await this.resolve(name);
      return this.call(op, () => fn(this.docker.getContainer(fresh)), notFound);
    }
  }
}
