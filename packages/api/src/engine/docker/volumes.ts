import { ConflictError } from "../errors.js";
import { LABEL, VOLUME_KIND } from "../naming.js";
import type { VolumeInfo, VolumesPort } from "../ports/volumes.js";
import type { DockerClient } from "./client.js";
import { orNull } from "./translate.js";

/** Named volumes on a Docker engine. */
export class DockerVolumes implements VolumesPort {
  constructor(private readonly client: DockerClient) {}

  async inspect(volumeName: string): Promise<VolumeInfo | null> {
    const v = await orNull(this.client.call("volumeInspect", () => this.client.docker.getVolume(volumeName).inspect()));
    return v && { name: v.Name, mountpoint: v.Mountpoint, labels: v.Labels ?? {} };
  }

  async create(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo> {
    const all = { ...labels, [LABEL.kind]: VOLUME_KIND };
    await this.client.call("volumeCreate", () => this.client.docker.createVolume({ Name: volumeName, Labels: all }));
    // dockerode hands back only a handle, so read the mountpoint back (a local call, small next to a container start).
    return (await this.inspect(volumeName)) ?? { name: volumeName, mountpoint: "", labels: all };
  }

  async remove(volumeName: string): Promise<void> {
    const v = await this.inspect(volumeName);
    if (!v) return;
    if (v.labels[LABEL.kind] !== VOLUME_KIND) {
      throw new ConflictError(`Volume "${volumeName}" does not carry our label; refusing to remove it`, "other");
    }
    await orNull(this.client.call("volumeRemove", () => this.client.docker.getVolume(volumeName).remove()));
  }
}
