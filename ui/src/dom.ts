// A tiny element builder: the UI is small enough not to need a framework.
import type { AppError } from "./api";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    } else if (k === "class") {
      el.className = String(v);
    } else if (k === "value" || k === "checked" || k === "disabled") {
      (el as unknown as Record<string, unknown>)[k] = v;
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** An inline message slot placed next to the control it is about. */
export function errorSlot(name: string): HTMLElement {
  return h("div", { class: "field-error", role: "alert", "data-error-for": name });
}

export function showError(slot: HTMLElement | null | undefined, e: AppError | string | null): void {
  if (!slot) return;
  const msg = e === null ? "" : typeof e === "string" ? e : e.message;
  slot.textContent = msg;
  slot.classList.toggle("visible", msg !== "");
}

/** Runs `action` with `button` disabled and a busy state shown after 100 ms. */
export async function busy<T>(button: HTMLButtonElement | null, action: () => Promise<T>): Promise<T> {
  if (!button) return action();
  button.disabled = true;
  const timer = window.setTimeout(() => button.classList.add("loading"), 100);
  try {
    return await action();
  } finally {
    window.clearTimeout(timer);
    button.classList.remove("loading");
    button.disabled = false;
  }
}

export function toast(message: string, kind: "ok" | "error" = "ok"): void {
  const host = document.getElementById("toasts");
  if (!host) return;
  const t = h("div", { class: `toast ${kind}`, role: "status" }, message);
  host.appendChild(t);
  window.setTimeout(() => t.remove(), 3500);
}

/** A modal dialog; resolves when closed. */
export function modal(title: string, body: Node, opts: { wide?: boolean; testid?: string } = {}): { close: () => void; root: HTMLElement } {
  const backdrop = h("div", { class: "backdrop" });
  const close = () => backdrop.remove();
  const dlg = h(
    "div",
    { class: `dialog${opts.wide ? " wide" : ""}`, role: "dialog", "aria-modal": "true", "aria-label": title, "data-testid": opts.testid },
    h("header", { class: "dialog-head" }, h("h2", {}, title), h("button", { class: "icon-btn", "aria-label": "Close", onclick: close }, "✕")),
    body,
  );
  backdrop.appendChild(dlg);
  backdrop.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape") close();
  });
  document.body.appendChild(backdrop);
  const first = dlg.querySelector<HTMLElement>("input, select, button.primary");
  first?.focus();
  return { close, root: dlg };
}

/**
 * A dangerous action behind a confirmation dialog: what happens, a reassurance about what
 * is never touched, and the action button. `run` failing shows its error in the dialog,
 * which stays open.
 */
export function confirmDanger(opts: { title: string; what: string; reassure: string; action: string; testid: string; run: () => Promise<void> }): void {
  const yes = h("button", { class: "danger", "data-testid": `confirm-${opts.testid}` }, opts.action);
  const no = h("button", { class: "secondary" }, "Cancel");
  const err = errorSlot("confirm");
  const m = modal(opts.title, h("div", { class: "dialog-body" },
    h("p", {}, opts.what),
    h("p", { class: "reassure" }, opts.reassure),
    err,
    h("div", { class: "actions" }, no, yes)), { testid: `${opts.testid}-dialog` });
  no.addEventListener("click", m.close);
  yes.addEventListener("click", () => void busy(yes, async () => {
    try {
      await opts.run();
      m.close();
    } catch (e) {
      showError(err, e as AppError);
    }
  }));
}
