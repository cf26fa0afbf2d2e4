import type { SystemInfo } from "@clawdspace/shared";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ConfirmDialog } from "../../src/components/ConfirmDialog";
import { Meter } from "../../src/components/Meter";
import { Sparkline, trendLabel } from "../../src/components/Sparkline";
import { hostMeters, engineFacts } from "../../src/pages/system/hostMeters";
import { cpuText, SpaceLoadFact } from "../../src/pages/spaces/SpaceLoadFact";

afterEach(cleanup);

const GiB = 1024 ** 3;
const sys = {
  cpus: 4,
  loadAverage: [3.5, 1, 0.5],
  bytes: { memory: { total: 8 * GiB, free: 6 * GiB, used: 2 * GiB }, disk: { total: 100 * GiB, used: 90 * GiB, available: 10 * GiB } },
  docker: { version: "20.10.24", apiVersion: "1.41", containers: 7, containersRunning: 3, containersPaused: 1, images: 4 },
} as unknown as SystemInfo;

describe("Meter", () => {
  it("writes the figures and the share, and exposes both as a labelled meter", () => {
    render(<Meter label="Memory" value={2 * GiB} max={8 * GiB} figures="2.0 GiB of 8.0 GiB used" />);
    const m = screen.getByRole("meter", { name: "Memory" });
    expect(m.getAttribute("aria-valuenow")).toBe("25");
    expect(m.getAttribute("aria-valuetext")).toBe("2.0 GiB of 8.0 GiB used (25%)");
    expect(screen.getByTestId("meter-figures").textContent).toBe("2.0 GiB of 8.0 GiB used (25%)");
    expect((m.firstChild as HTMLElement).style.width).toBe("25%");
    expect(m.className).not.toContain("meter-warn");
  });

  it("clamps past the total and marks a nearly full one", () => {
    render(<Meter label="Load" value={9} max={4} figures="9.00 of 4 CPUs" />);
    const m = screen.getByRole("meter", { name: "Load" });
    expect(m.getAttribute("aria-valuenow")).toBe("100");
    expect(m.className).toContain("meter-warn");
  });

  it("host meters are load over CPUs, memory and disk used of their totals, with words for the engine's facts", () => {
    const [cpu, mem, disk] = hostMeters(sys);
    expect(cpu).toMatchObject({ label: "CPU load (1 min)", value: 3.5, max: 4, figures: "3.50 of 4 CPUs" });
    expect(mem).toMatchObject({ value: 2 * GiB, max: 8 * GiB, figures: "2.0 GiB of 8.0 GiB used" });
    expect(disk).toMatchObject({ value: 90 * GiB, figures: "90 GiB of 100 GiB used, 10 GiB free" });
    expect(hostMeters({ ...sys, bytes: { ...sys.bytes, disk: null } })).toHaveLength(2);
    expect(engineFacts(sys.docker)).toContainEqual(["Containers", "7 (3 running, 1 paused)"]);
    expect(engineFacts(sys.docker).map(([k]) => k)).not.toContain("apiVersion");
  });
});

describe("Sparkline", () => {
  const coords = (d: string) => [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

  it("draws one point per value, oldest left, higher CPU higher up", () => {
    const { container } = render(<Sparkline points={[0, 50, 100]} label="CPU" width={100} height={22} />);
    const pts = coords(container.querySelector("path")!.getAttribute("d")!);
    expect(pts.map(([x]) => x)).toEqual([0, 50, 100]);
    expect(pts[0]![1]).toBeGreaterThan(pts[1]![1]!);
    expect(pts[1]![1]).toBeGreaterThan(pts[2]![1]!);
    expect(pts[2]![1]).toBe(2);
    expect(screen.getByRole("img", { name: "CPU" })).toBeTruthy();
  });

  it("scales to the floor, so idle noise stays near the bottom, and above it to the peak", () => {
    const idle = render(<Sparkline points={[1, 2]} label="idle" height={22} />);
    const low = coords(idle.container.querySelector("path")!.getAttribute("d")!);
    expect(Math.min(...low.map(([, y]) => y!))).toBeGreaterThan(19);
    idle.unmount();
    const two = render(<Sparkline points={[100, 200]} label="two cores" height={22} />);
    const high = coords(two.container.querySelector("path")!.getAttribute("d")!);
    expect(high[1]![1]).toBe(2);
    expect(high[0]![1]).toBeCloseTo(11, 0);
  });

  it("shows a dot for one point and nothing but the base line for none", () => {
    const one = render(<Sparkline points={[40]} label="one" />);
    expect(one.container.querySelector("circle")).toBeTruthy();
    expect(one.container.querySelector("path")).toBeNull();
    one.unmount();
    const none = render(<Sparkline points={[]} label="none" />);
    expect(none.container.querySelector("circle, path")).toBeNull();
  });

  it("says in words what the trend holds", () => {
    expect(trendLabel("CPU", [], 10_000)).toBe("CPU: no trend yet");
    expect(trendLabel("CPU", [2, 95.4, 40], 60_000)).toBe("CPU over the last 3 min: 2 to 95 %");
    expect(trendLabel("CPU", [5, 5], 10_000)).toBe("CPU over the last 1 min: 5 %");
  });

  it("a space's load: CPU and memory now, and the trend under them", () => {
    render(
      <dl>
        <SpaceLoadFact load={{ name: "a", state: "running", cpuPercent: 97.4, memoryUsageBytes: 64 * 1024 ** 2, memoryLimitBytes: 256 * 1024 ** 2, pids: 3, at: "", trend: [10, 97] }} stepMs={10_000} />
      </dl>,
    );
    expect(screen.getByTestId("cpu").textContent).toBe("CPU 97 %");
    expect(screen.getByTestId("mem").textContent).toBe("memory 64 MiB of 256 MiB");
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe("CPU over the last 1 min: 10 to 97 %");
    expect(cpuText(null)).toBe("–");
    expect(cpuText(2.345)).toBe("2.3 %");
  });
});

describe("Dialog", () => {
  function Opener() {
    const [open, setOpen] = useState(false);
    return (
      <>
        <button type="button" onClick={() => setOpen(true)}>
          Destroy
        </button>
        {open && (
          <ConfirmDialog title="Destroy it?" confirm="Destroy" keep="Cancel" danger onConfirm={() => undefined} onClose={() => setOpen(false)}>
            <p>The container goes.</p>
          </ConfirmDialog>
        )}
      </>
    );
  }

  it("takes focus, keeps Tab inside, closes on Escape and gives focus back to its opener", () => {
    render(<Opener />);
    const opener = screen.getByRole("button", { name: "Destroy" });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole("alertdialog", { name: "Destroy it?" });
    const [keep, confirm] = [...dialog.querySelectorAll("button")];
    expect(document.activeElement).toBe(keep);
    confirm!.focus();
    fireEvent.keyDown(confirm!, { key: "Tab" });
    expect(document.activeElement).toBe(keep);
    fireEvent.keyDown(keep!, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    fireEvent.keyDown(confirm!, { key: "Escape" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
