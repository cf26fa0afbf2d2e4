import type Docker from "dockerode";

/** The baseline every exec row compares against: `true` through plain dockerode, stream drained, exit read. */
export function rawTrueExec(container: Docker.Container): () => Promise<void> {
  return async () => {
    const exec = await container.exec({ Cmd: ["true"], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve, reject) => {
      stream.on("data", () => undefined);
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    await exec.inspect();
  };
}
