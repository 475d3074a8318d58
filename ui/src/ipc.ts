// The one way the UI reaches the till: `call`, typed by the command map generated from
// the Rust commands (generated/commands.ts, checked by pos-desktop's tests). A command
// name that is not registered, a misspelt argument or a value of the wrong type fails
// `tsc`; a `locked` answer from any command brings the login screen back. No other
// module imports `invoke` (ipc.test.ts checks).
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";

import type { Commands } from "./generated/commands";
import type { AppError, ErrorCode } from "./generated/pos_app";

export type Command = keyof Commands;
export type ArgsOf<C extends Command> = Commands[C]["args"];
export type ResultOf<C extends Command> = Commands[C]["result"];

/** The arguments `call` takes for `C`: none when it has none (or only optional ones). */
export type CallArgs<C extends Command> = {} extends ArgsOf<C> ? [args?: ArgsOf<C>] : [args: ArgsOf<C>];

/** Turns whatever a rejected invoke carries into an AppError. */
export function toAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const o = e as { code: ErrorCode; message: string; field?: string; retryable?: boolean };
    return {
      code: o.code,
      message: o.message,
      ...(o.field ? { field: o.field } : {}),
      retryable: o.retryable ?? false,
    };
  }
  return { code: "internal", message: typeof e === "string" ? e : String(e), retryable: false };
}

/**
 * Called when any command answers `locked` (nobody logged in, or the session went idle).
 * Only `locked` means the session is gone: `unauthenticated` is a PIN that was not
 * accepted, answered to the PIN pad that sent it (login, manager approval), which shows it.
 */
export const lockedHook: { onLocked: (() => void) | null } = { onLocked: null };

export async function call<C extends Command>(cmd: C, ...args: CallArgs<C>): Promise<ResultOf<C>> {
  try {
    return await invoke<ResultOf<C>>(cmd, args[0] as InvokeArgs | undefined);
  } catch (e) {
    const err = toAppError(e);
    if (err.code === "locked") lockedHook.onLocked?.();
    throw err;
  }
}

/** One id per user action: the engine makes the write idempotent on it. */
export function requestId(): string {
  return crypto.randomUUID();
}
