import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TaskStateBadge } from "../../src/components/TaskStateBadge";
import { StartTaskForm } from "../../src/pages/space/tasks/StartTaskForm";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const wrap = (ui: React.ReactNode) => render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("TaskStateBadge", () => {
  it("says the state in words and carries a class per state", () => {
    wrap(<TaskStateBadge state="timed-out" />);
    const b = screen.getByText("timed out");
    expect(b.className).toContain("task-timed-out");
  });
});

describe("StartTaskForm", () => {
  it("shows the server's validation error under the command field", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(400, { error: "Invalid request body", code: "VALIDATION_FAILED", details: { issues: [{ path: "command", message: "command must not be empty" }] } })));
    wrap(<StartTaskForm space="dev" onStarted={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Start task" }));
    expect(await screen.findByText("command must not be empty")).toBeTruthy();
    expect(screen.getByLabelText("Command").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Command").getAttribute("aria-describedby")).toBe("task-command-err");
    expect(screen.getByLabelText("Name (optional)").getAttribute("aria-invalid")).toBe("false");
  });

  it("sends the command, name and keepAwake, and hands back the started task", async () => {
    const f = vi.fn(async (_u: string, _init: RequestInit) => json(201, { task: { id: "tsk_aaaaaaaaaaaaaaaa", space: "dev", state: "running" } }));
    vi.stubGlobal("fetch", f);
    const started = vi.fn();
    wrap(<StartTaskForm space="dev" onStarted={started} />);
    fireEvent.change(screen.getByLabelText("Command"), { target: { value: "make test" } });
    fireEvent.change(screen.getByLabelText("Name (optional)"), { target: { value: " tests " } });
    fireEvent.click(screen.getByLabelText("Keep the space awake while it runs"));
    fireEvent.click(screen.getByRole("button", { name: "Start task" }));
    await waitFor(() => expect(started).toHaveBeenCalledWith(expect.objectContaining({ id: "tsk_aaaaaaaaaaaaaaaa" })));
    const [url, init] = f.mock.calls[0]!;
    expect(url).toBe("/api/spaces/dev/tasks");
    expect(JSON.parse(init.body as string)).toEqual({ command: "make test", name: "tests", keepAwake: false });
  });

  it("says how to get tasks when the image has no supervisor", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(409, { error: "The space's image has no task supervisor.", code: "TASKS_UNSUPPORTED" })));
    wrap(<StartTaskForm space="dev" onStarted={() => {}} />);
    fireEvent.change(screen.getByLabelText("Command"), { target: { value: "true" } });
    fireEvent.click(screen.getByRole("button", { name: "Start task" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Rebuild the space image");
  });
});
