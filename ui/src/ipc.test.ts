import { beforeEach, describe, expect, it, vi } from "vitest";

// The real Tauri bridge is not there under Vitest: `invoke` is replaced by a function each
// test scripts. Everything above it (wrappers, call, the locked hook) is the real code.
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";

import { api } from "./api";
import { COMMANDS } from "./generated/commands";
import { call, lockedHook } from "./ipc";
import { staffApi } from "./staff-api";
import { syncApi } from "./syncApi";

const invokeMock = vi.mocked(invoke);
type Wrapper = (...args: unknown[]) => Promise<unknown>;
const wrappers: [string, Wrapper][] = [
  ...Object.entries(api).map(([k, f]): [string, Wrapper] => [`api.${k}`, f as Wrapper]),
  ...Object.entries(staffApi).map(([k, f]): [string, Wrapper] => [`staffApi.${k}`, f as Wrapper]),
  ...Object.entries(syncApi).map(([k, f]): [string, Wrapper] => [`syncApi.${k}`, f as Wrapper]),
];

function answer(error: unknown): Set<string> {
  const invoked = new Set<string>();
  invokeMock.mockImplementation(async (cmd: string) => {
    invoked.add(cmd);
    throw error;
  });
  return invoked;
}

const locked = { code: "locked", message: "the till is locked: log in with your PIN", retryable: false };

describe("call", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    lockedHook.onLocked = null;
  });

  it("brings the login screen back when any wrapper's command answers locked", async () => {
    const invoked = answer(locked);
    for (const [name, wrapper] of wrappers) {
      const onLocked = vi.fn();
      lockedHook.onLocked = onLocked;
      await expect(wrapper(), name).rejects.toMatchObject({ code: "locked" });
      expect(onLocked, `${name} must show the login screen on locked`).toHaveBeenCalledTimes(1);
    }
    // Every registered command has a wrapper, so none can be reached around `call`.
    expect([...invoked].sort()).toEqual([...COMMANDS].sort());
  });

  it("leaves a PIN that was not accepted to the PIN pad that sent it", async () => {
    answer({ code: "unauthenticated", message: "PIN not accepted", field: "pin", retryable: false });
    const onLocked = vi.fn();
    lockedHook.onLocked = onLocked;
    await expect(staffApi.login("m", "0000")).rejects.toEqual({ code: "unauthenticated", message: "PIN not accepted", field: "pin", retryable: false });
    await expect(api.voidLine("o", "l", "r", { staff_id: "m", pin: "0000" })).rejects.toMatchObject({ code: "unauthenticated" });
    expect(onLocked, "a wrong PIN is not a lost session").not.toHaveBeenCalled();
  });

  it("turns a rejection that is not an AppError into an internal one", async () => {
    answer("command profle not found");
    await expect(call("profile")).rejects.toEqual({ code: "internal", message: "command profle not found", retryable: false });
  });

  it("sends the arguments under the Rust parameters' names and returns the answer", async () => {
    invokeMock.mockResolvedValue({ id: "o" });
    await expect(api.voidLine("o", "l", "wrong dish")).resolves.toEqual({ id: "o" });
    expect(invokeMock).toHaveBeenCalledWith("void_line", { order_id: "o", line_id: "l", reason: "wrong dish", approver: null });
    await syncApi.status();
    expect(invokeMock).toHaveBeenLastCalledWith("sync_status", undefined);
  });
});

describe("the command surface", () => {
  it("has one door: no module but ipc.ts imports the Tauri bridge", () => {
    const sources = import.meta.glob<string>(["./**/*.ts", "!./**/*.test.ts"], { query: "?raw", import: "default", eager: true });
    const importers = Object.entries(sources)
      .filter(([, text]) => /from\s+["']@tauri-apps\/api/.test(text))
      .map(([path]) => path);
    expect(Object.keys(sources).length, "the glob reads the sources").toBeGreaterThan(10);
    expect(importers).toEqual(["./ipc.ts"]);
  });
});

// Checked by `tsc` (npm run build), never run: each line below must stay a type error, or
// tsc fails on the unused @ts-expect-error. This is what a misspelt command or argument in
// the UI meets.
export async function typeErrors(): Promise<void> {
  // @ts-expect-error a command that is not registered
  await call("create_ordr", { new: null as never });
  // @ts-expect-error a misspelt argument name
  await call("get_order", { orderId: "x" });
  // @ts-expect-error an argument the command does not take
  await call("get_order", { order_id: "x", extra: 1 });
  // @ts-expect-error a required argument left out
  await call("get_order");
  // @ts-expect-error a value of the wrong type
  await call("customer_balance", { phone: 42 });
  // @ts-expect-error the answer is a Profile, not a number
  const n: number = await call("profile");
  // @ts-expect-error arguments to a command that takes none
  await call("profile", { x: 1 });
  void n;
  // Optional (Option<T>) arguments may be left out.
  await call("billing_summary");
  await call("void_line", { order_id: "o", line_id: "l", reason: "r" });
}
