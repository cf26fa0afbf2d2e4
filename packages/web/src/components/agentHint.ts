/** What a person can do about an agent error code, said once for the Agent tab and the terminal. */
export function agentHint(code: string): string | null {
  if (code === "AGENT_UNSUPPORTED") return 'Claude Code is in the agent image: create a space with the template "agent" to use it.';
  return null;
}

export const withAgentHint = (message: string, code: string): string => {
  const hint = agentHint(code);
  return hint ? `${message} ${hint}` : message;
};
