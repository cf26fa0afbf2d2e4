import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keyStore } from "../../src/api/client";
import { SignIn } from "../../src/pages/signin/SignIn";
import { CreateSpaceForm } from "../../src/pages/spaces/CreateSpaceForm";
import { SpacesPage } from "../../src/pages/spaces/SpacesPage";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const wrap = (ui: React.ReactNode) => render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("SignIn", () => {
  it("says so plainly when the key is wrong, and keeps nothing", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(401, { error: "Missing or invalid API key", code: "UNAUTHORIZED" })));
    const done = vi.fn();
    wrap(<SignIn onSignedIn={done} />);
    fireEvent.change(screen.getByLabelText("API key"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", expect.stringContaining("not valid"));
    expect(done).not.toHaveBeenCalled();
    expect(keyStore.get()).toBeNull();
  });

  it("keeps a good key and sends it as a bearer header", async () => {
    const f = vi.fn(async () => json(200, {}));
    vi.stubGlobal("fetch", f);
    const done = vi.fn();
    wrap(<SignIn onSignedIn={done} />);
    fireEvent.change(screen.getByLabelText("API key"), { target: { value: "k1" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(keyStore.get()).toBe("k1");
    expect(new Headers((f.mock.calls[0] as unknown as [string, RequestInit])[1].headers).get("authorization")).toBe("Bearer k1");
  });
});

describe("CreateSpaceForm", () => {
  it("shows the server's validation errors under the field they name", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) =>
        url.startsWith("/api/templates")
          ? json(200, { templates: [] })
          : json(400, { error: "Invalid request", code: "VALIDATION_FAILED", details: { issues: [{ path: "memory", message: "must be at most 4 GiB" }] } }),
      ),
    );
    wrap(<CreateSpaceForm onDone={() => {}} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "a" } });
    fireEvent.change(screen.getByLabelText("Memory"), { target: { value: "99g" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("must be at most 4 GiB")).toBeTruthy();
    expect(screen.getByLabelText("Memory").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("false");
  });
});

describe("SpacesPage", () => {
  it("lists each space with its state and why it stays awake; an empty list says what to do", async () => {
    const spaces = [{ name: "dev", state: "running", memory: "2g", cpus: 1, activity: { lastAt: new Date().toISOString(), lastSource: "exec" }, sleepsAt: null, sleepBlockedBy: ["terminal"] }];
    vi.stubGlobal("fetch", vi.fn(async () => json(200, { spaces })));
    wrap(<SpacesPage />);
    expect(await screen.findByText("dev")).toBeTruthy();
    expect(screen.getByText("running")).toBeTruthy();
    expect(screen.getByText("awake: terminal in use")).toBeTruthy();
    cleanup();
    vi.stubGlobal("fetch", vi.fn(async () => json(200, { spaces: [] })));
    wrap(<SpacesPage />);
    expect(await screen.findByText(/No spaces yet/)).toBeTruthy();
  });
});

describe("LineChart", () => {
  it("spreads the first samples over the width and draws the line", async () => {
    const { LineChart } = await import("../../src/components/LineChart");
    const { container } = render(<LineChart label="CPU" max={100} format={(v) => `${v}%`} points={[{ t: 0, v: 10 }, { t: 3000, v: 50 }]} />);
    const d = container.querySelector("path.line")!.getAttribute("d")!;
    expect(d.startsWith("M0.0,")).toBe(true);
    expect(d).toContain("L600.0,");
    expect(container.textContent).toContain("50%");
  });
});
