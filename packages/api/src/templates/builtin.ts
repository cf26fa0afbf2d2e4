import type { TemplateInput } from "@clawdspace/shared";

export const DEFAULT_AGENT_IMAGE = "clawdspace/agent:latest";

/**
 * The presets Clawdspace ships. `default` carries no resources of its own: the
 * server's DEFAULT_MEMORY and DEFAULT_CPUS (2g and 1 unless configured) fill them,
 * so an operator's defaults and the default template never disagree.
 */
export const BUILTIN_TEMPLATES: Record<string, TemplateInput> = {
  default: {
    name: "default",
    description: "General development: DEFAULT_MEMORY (2g), DEFAULT_CPUS (1), internet",
    network: { mode: "internet" },
  },
  offline: { name: "offline", description: "No network at all", network: { mode: "none" } },
  gpu: {
    name: "gpu",
    description: "GPU work: gpu, 8g, 4 cpus",
    resources: { gpu: true, memory: "8g", cpus: 4 },
    network: { mode: "internet" },
  },
};

/** The built-ins with the agent template on this server's agent image (CLAWDSPACE_AGENT_IMAGE). */
export function builtinTemplates(agentImage = DEFAULT_AGENT_IMAGE): Record<string, TemplateInput> {
  return {
    ...BUILTIN_TEMPLATES,
    agent: {
      name: "agent",
      description: "Claude Code, unattended: the space image with Claude Code, 4g, 2 cpus, internet",
      resources: { image: agentImage, memory: "4g", cpus: 2 },
      network: { mode: "internet" },
    },
  };
}
