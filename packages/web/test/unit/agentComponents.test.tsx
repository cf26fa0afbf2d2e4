import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import AgentPanel from "../../src/pages/space/agent/AgentPanel";

const SESSION = "0f8fad5b-d9cb-469f-a165-70867728950e";
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const ndjson = (lines: unknown[]) => new Response(lines.map((l) => `${JSON.stringify(l)}\n`).join(""), { status: 200, headers: { "content-type": "application/x-ndjson" } });
const wrap = (ui: React.ReactNode) => render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

const run = {
  id: "tsk_cccccccccccccccc",
  space: "dev",
  prompt: "List the files\nand say how many",
  resume: null,
  model: null,
  maxTurns: null,
  state: "succeeded",
  sessionId: SESSION,
  result: "There is **one** file.",
  isError: false,
  numTurns: 2,
  durationMs: 3100,
  costUsd: 0.0123,
  usage: { inputTokens: 1000, outputTokens: 340, cacheCreationInputTokens: 0, cacheReadInputTokens: 200 },
  exitCode: 0,
  error: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  startedAt: "2025-01-01T00:00:00.000Z",
  endedAt: "2025-01-01T00:00:03.000Z",
};
const transcript = [
  { event: { type: "tool_call", id: "toolu_1", name: "Bash", input: { command: "ls /workspace" }, offset: 100 } },
  { event: { type: "tool_result", toolUseId: "toolu_1", content: "a.txt", isError: false, truncated: false, offset: 200 } },
  { event: { type: "text", text: "There is **one** file.", offset: 300 } },
  { event: { type: "result", subtype: "success", isError: false, result: "There is **one** file.", numTurns: 2, durationMs: 3100, costUsd: 0.0123, sessionId: SESSION, offset: 400 } },
  { end: true, nextOffset: 400, run },
];

let posts: unknown[] = [];
let postAnswer: () => Response;
beforeEach(() => {
  posts = [];
  postAnswer = () => json(201, { run: { ...run, id: "tsk_dddddddddddddddd", state: "running", sessionId: null } });
  history.replaceState(null, "", "/spaces/dev?tab=agent");
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "POST") {
        posts.push(JSON.parse(init.body as string));
        return postAnswer();
      }
      if (url.includes("follow=1")) return ndjson(url.includes(run.id) ? transcript : [{ end: true, nextOffset: 0, run }]);
      return json(200, { runs: [run] });
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("the Agent tab", () => {
  it("shows a run's transcript: its prompt, the tool call folded with input and result, the text as Markdown, and what it cost", async () => {
    wrap(<AgentPanel space="dev" />);
    fireEvent.click(await screen.findByRole("button", { name: /List the files/ }));
    const log = await screen.findByTestId("transcript");
    await waitFor(() => expect(screen.getByTestId("transcript-status").textContent).toBe("complete"));
    expect(log.textContent).toContain("List the files\nand say how many");
    const tool = within(log).getByTestId("tool-call");
    expect(tool.tagName).toBe("DETAILS");
    expect(tool.getAttribute("data-state")).toBe("done");
    expect(tool.querySelector("summary")!.textContent).toContain("ls /workspace");
    expect(within(tool).getByTestId("tool-result").textContent).toBe("a.txt");
    expect(log.querySelector(".tx-text strong")!.textContent).toBe("one");
    // the result says the same as the last text: not shown twice
    expect(log.textContent!.match(/There is/g)).toHaveLength(1);
    const facts = screen.getByTestId("run-facts").textContent!;
    expect(facts).toContain("$0.0123");
    expect(facts).toContain("1.2k in · 340 out");
    expect(new URL(location.href).searchParams.get("run")).toBe(run.id);
  });

  it("runs the prompt, going on with the last conversation when asked, with the model chosen", async () => {
    wrap(<AgentPanel space="dev" />);
    fireEvent.change(screen.getByLabelText("Prompt"), { target: { value: "Fix the tests" } });
    fireEvent.click(screen.getByLabelText("Continue the last conversation"));
    fireEvent.change(screen.getByLabelText("Model (optional)"), { target: { value: " opus " } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(posts).toEqual([{ prompt: "Fix the tests", resume: "last", model: "opus" }]));
    await waitFor(() => expect(new URL(location.href).searchParams.get("run")).toBe("tsk_dddddddddddddddd"));
    expect((screen.getByLabelText("Prompt") as HTMLTextAreaElement).value).toBe("");
  });

  it("Resume with an empty box picks the session and waits for the prompt; Run then goes on with it", async () => {
    wrap(<AgentPanel space="dev" />);
    fireEvent.click(await screen.findByRole("button", { name: /List the files/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Resume" }));
    expect(posts).toEqual([]);
    expect(screen.getByText(/Goes on with session/).textContent).toContain(SESSION.slice(0, 8));
    expect(document.activeElement).toBe(screen.getByLabelText("Prompt"));
    fireEvent.change(screen.getByLabelText("Prompt"), { target: { value: "Now count the lines" } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(posts).toEqual([{ prompt: "Now count the lines", resume: SESSION }]));
  });

  it("says to use the agent template when the space's image has no Claude Code", async () => {
    postAnswer = () => json(409, { error: "This space's image has no Claude Code.", code: "AGENT_UNSUPPORTED" });
    wrap(<AgentPanel space="dev" />);
    fireEvent.change(screen.getByLabelText("Prompt"), { target: { value: "hi" } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain('create a space with the template "agent"');
  });
});
