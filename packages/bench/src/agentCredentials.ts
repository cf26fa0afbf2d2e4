import { writeFile } from "node:fs/promises";

/** Made-up credentials pointing Claude Code at the stub each benchmark space runs on 127.0.0.1:8787. */
export async function agentCredentials(runId: string): Promise<{ file: string; env: Record<string, string> }> {
  const key = `sk-ant-bench-${runId}`;
  const file = `/tmp/clawdspace-bench-agent-${runId}.env`;
  await writeFile(file, `ANTHROPIC_API_KEY=${key}\nANTHROPIC_BASE_URL=http://127.0.0.1:8787\n`, { mode: 0o600 });
  return { file, env: { CLAWDSPACE_ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: "http://127.0.0.1:8787" } };
}
