import type { SystemInfo } from "@clawdspace/shared";
import { bytes } from "../../components/format";
import type { MeterProps } from "../../components/Meter";

/** The host's meters from GET /api/system: load against the CPUs, memory and disk used of their totals. */
export function hostMeters(sys: SystemInfo): MeterProps[] {
  const load = sys.loadAverage[0] ?? 0;
  const out: MeterProps[] = [
    { label: "CPU load (1 min)", value: load, max: sys.cpus, figures: `${load.toFixed(2)} of ${sys.cpus} CPU${sys.cpus === 1 ? "" : "s"}` },
    { label: "Memory", value: sys.bytes.memory.used, max: sys.bytes.memory.total, figures: `${bytes(sys.bytes.memory.used)} of ${bytes(sys.bytes.memory.total)} used` },
  ];
  const disk = sys.bytes.disk;
  if (disk) out.push({ label: "Disk", value: disk.used, max: disk.total, figures: `${bytes(disk.used)} of ${bytes(disk.total)} used, ${bytes(disk.available)} free` });
  return out;
}

/** The engine's facts under the words a person uses for them. */
export function engineFacts(d: SystemInfo["docker"]): Array<[string, string]> {
  return [
    ["Docker version", d.version],
    ["Engine API", d.apiVersion],
    ["Containers", `${d.containers} (${d.containersRunning} running, ${d.containersPaused} paused)`],
    ["Images", String(d.images)],
  ];
}

export function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}
