import { HELPER_KIND, LABEL } from "../naming.js";
import type { HelperRun, HelperSpec, HelpersPort } from "../ports/helpers.js";
import type { DockerClient } from "./client.js";
import { StreamDemuxer } from "./demux.js";

/** Short-lived helper containers on a Docker engine: run, read their output, removed whatever happened. */
export class DockerHelpers implements HelpersPort {
  constructor(private readonly client: DockerClient) {}

  async run(spec: HelperSpec): Promise<HelperRun> {
    const container = await this.client.call("helperCreate", () =>
      this.client.docker.createContainer({
        Image: spec.image,
        Cmd: spec.argv,
        Labels: { ...spec.labels, [LABEL.kind]: HELPER_KIND },
        HostConfig: {
          NetworkMode: spec.hostNetwork ? "host" : "none",
          CapDrop: ["ALL"],
          CapAdd: spec.capAdd,
          SecurityOpt: ["no-new-privileges=true"],
        },
      }),
    );
    try {
      await this.client.call("helperStart", () => container.start());
      const { StatusCode } = (await this.client.call("helperWait", () => container.wait())) as { StatusCode: number };
      const raw = (await this.client.call("helperLogs", () => container.logs({ stdout: true, stderr: true, follow: false }))) as unknown as Buffer;
      const parts: Buffer[] = [];
      new StreamDemuxer((_s, chunk) => parts.push(chunk)).push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      return { exitCode: StatusCode, output: Buffer.concat(parts).toString("utf8") };
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }
}
