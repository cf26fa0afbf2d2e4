import { pack } from "tar-stream";
import { ImageNotFoundError, RuntimeError } from "../errors.js";
import type { ImageBuildSpec, ImagesPort } from "../ports/images.js";
import type { DockerClient } from "./client.js";
import { orNull, translate } from "./translate.js";

type ProgressEvent = { stream?: string; status?: string; id?: string };

/** Our images on a Docker engine: built from a context we pack, their base pulled. */
export class DockerImages implements ImagesPort {
  constructor(private readonly client: DockerClient) {}

  async exists(ref: string): Promise<boolean> {
    try {
      return (await orNull(this.client.call("imageInspect", () => this.client.docker.getImage(ref).inspect()))) !== null;
    } catch (e) {
      if (e instanceof ImageNotFoundError) return false;
      throw e;
    }
  }

  async build(spec: ImageBuildSpec): Promise<void> {
    const tar = pack();
    for (const f of spec.files) tar.entry({ name: f.path, mode: f.mode ?? 0o644 }, f.content);
    tar.finalize();
    const stream = await this.client.call("build", () =>
      this.client.docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
        t: spec.tag,
        buildargs: spec.buildArgs,
        labels: spec.labels,
        rm: true,
        forcerm: true,
        ...(spec.noCache ? { nocache: true } : {}),
      }),
    );
    await this.followProgress(stream, (event) => {
      const text = typeof event.stream === "string" ? event.stream : event.status;
      if (typeof text === "string") {
        for (const line of text.split("\n")) if (line.trim()) spec.onProgress(line.trimEnd());
      }
    });
  }

  async pull(ref: string, onProgress: (line: string) => void): Promise<void> {
    const stream = await this.client.call("pull", () => this.client.docker.pull(ref));
    await this.followProgress(stream, (event) => {
      if (typeof event.status === "string") onProgress(`${event.id ? `${event.id}: ` : ""}${event.status}`);
    });
  }

  private followProgress(stream: NodeJS.ReadableStream, onEvent: (e: ProgressEvent) => void) {
    return new Promise<void>((resolve, reject) => {
      this.client.docker.modem.followProgress(
        stream,
        (err: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (err) return reject(translate(err));
          const failed = events.find((e) => e.error);
          if (failed) return reject(new RuntimeError(failed.errorDetail?.message ?? failed.error ?? "build failed"));
          resolve();
        },
        onEvent,
      );
    });
  }
}
