import { parseMemory } from "@clawdspace/shared";

export type NetworkMode = "none" | "internet" | "lan";

export interface TemplateSettings {
  description: string;
  memory?: number;
  cpus?: number;
  gpu?: boolean;
  network: NetworkMode;
}

/**
 * The presets Clawdspace ships. Until the templates store lands, these are the only
 * names a create accepts, so "offline" already means no network at all.
 */
export const BUILTIN_TEMPLATES: Record<string, TemplateSettings> = {
  default: { description: "General development: 2g, 1 cpu, internet", memory: parseMemory("2g")!, cpus: 1, network: "internet" },
  offline: { description: "No network at all", network: "none" },
  gpu: { description: "GPU work: gpu, 8g, 4 cpus", gpu: true, memory: parseMemory("8g")!, cpus: 4, network: "internet" },
};
