// The logged-in member, the PIN pad's entry rules and the idle lock's timing. Pure
// functions are unit-tested (session.test.ts); the DOM lives in screens/login.ts.
import type { Order } from "./api";
import type { Session } from "./staff-api";

export const current: { session: Session | null; lockAfterMs: number } = { session: null, lockAfterMs: 5 * 60_000 };

export function isManager(): boolean {
  return current.session?.role === "manager";
}

export const PIN_MAX = 8;
export const PIN_MIN = 4;

/** The PIN after pressing `key` on the pad (a digit, "back" or "clear"). Never longer than 8. */
export function pinPress(pin: string, key: string): string {
  if (key === "clear") return "";
  if (key === "back" || key === "Backspace") return pin.slice(0, -1);
  if (/^[0-9]$/.test(key) && pin.length < PIN_MAX) return pin + key;
  return pin;
}

/** Whether the PIN can be submitted. */
export function pinReady(pin: string): boolean {
  return pin.length >= PIN_MIN && pin.length <= PIN_MAX;
}

/** Dots for the PIN display: one per digit typed, never the digits. */
export function pinDots(pin: string): string {
  return "●".repeat(pin.length);
}

/** Whether a tap at `now` should tell the backend (throttled to one touch per `everyMs`). */
export function shouldTouch(lastTouchMs: number, nowMs: number, everyMs = 15_000): boolean {
  return nowMs - lastTouchMs >= everyMs;
}

/** Whether the till should lock itself: no input for `lockAfterMs`. */
export function idleExpired(lastInputMs: number, nowMs: number, lockAfterMs: number): boolean {
  return nowMs - lastInputMs >= lockAfterMs;
}

/**
 * Whether voiding `lineId` of `order` needs a manager's approval for `session`: the
 * kitchen has the order (it left "open", or the line was sent) and the session is a
 * cashier's. Mirrors pos-core's Order::void_needs_approval; the engine decides.
 */
export function voidNeedsApproval(order: Order, lineIds: string[], session: Session | null): boolean {
  if (session?.role === "manager") return false;
  if (order.status !== "open") return true;
  return order.lines.some((l) => lineIds.includes(l.id) && l.sent_to_kitchen);
}
