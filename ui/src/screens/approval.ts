// The manager approval dialog: a manager picks their name and types their PIN so a
// cashier can void a line the kitchen already has. The dialog stays open until the
// approved action succeeds or is cancelled; a wrong PIN is shown here and counts towards
// that manager's lockout in the engine.
import { type AppError } from "../api";
import { busy, errorSlot, h, modal, replace, showError } from "../dom";
import { pinDots, pinPress, pinReady } from "../session";
import { staffApi, type Approver } from "../staff-api";

/** Asks a manager to approve `what`; `attempt` runs the action with the approval. */
export async function requestApproval(what: string, attempt: (a: Approver) => Promise<void>): Promise<boolean> {
  const list = await staffApi.listStaff();
  const managers = list.staff.filter((s) => s.active && s.role === "manager");
  return new Promise((resolve) => {
    let selected = managers.length === 1 ? managers[0]!.id : null;
    let pin = "";
    let settled = false;
    const err = errorSlot("approver");
    const who = h("div", { class: "approver-list" });
    const dots = h("div", { class: "pin-dots small", "data-testid": "approval-dots" });
    const ok = h("button", { class: "primary", "data-testid": "approval-ok" }, "Approve");
    const render = () => {
      replace(
        who,
        managers.map((m) =>
          h("button", {
            class: `staff-btn small${selected === m.id ? " active" : ""}`,
            "data-approver-name": m.name,
            "aria-pressed": selected === m.id ? "true" : "false",
            onclick: () => {
              selected = m.id;
              render();
            },
          }, m.name),
        ),
      );
      dots.textContent = pin ? pinDots(pin) : "Manager PIN";
      ok.disabled = !selected || !pinReady(pin);
    };
    const press = (k: string) => {
      pin = pinPress(pin, k);
      showError(err, null);
      render();
    };
    const pad = h("div", { class: "pin-pad compact", "data-testid": "approval-pad" },
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"].map((k) =>
        h("button", { class: `pin-key${/\d/.test(k) ? "" : " fn"}`, "data-key": k, onclick: () => press(k) }, k === "back" ? "⌫" : k === "clear" ? "C" : k)));
    const body = h("div", { class: "dialog-body approval" },
      h("p", {}, what),
      h("p", { class: "muted small" }, "The kitchen already has this order, so a manager must approve."),
      who, dots, pad, err,
      h("div", { class: "actions" }, ok));
    const m = modal("Manager approval", body, { testid: "approval-dialog" });
    const finish = (v: boolean) => {
      if (settled) return;
      settled = true;
      document.removeEventListener("keydown", keys, true);
      m.close();
      resolve(v);
    };
    const submit = () => {
      if (!selected || !pinReady(pin)) return;
      const approver = { staff_id: selected, pin };
      void busy(ok, async () => {
        try {
          await attempt(approver);
          finish(true);
        } catch (e) {
          pin = "";
          render();
          showError(err, e as AppError);
        }
      });
    };
    const keys = (e: KeyboardEvent) => {
      if (!document.body.contains(m.root)) {
        finish(false);
        return;
      }
      if (/^[0-9]$/.test(e.key) || e.key === "Backspace") {
        e.preventDefault();
        e.stopPropagation();
        press(e.key);
      } else if (e.key === "Enter") {
        e.preventDefault();
        submit();
      }
    };
    document.addEventListener("keydown", keys, true);
    ok.addEventListener("click", submit);
    // The ✕ and Escape remove the dialog: treat that as a cancel.
    new MutationObserver((_, obs) => {
      if (!document.body.contains(m.root)) {
        obs.disconnect();
        finish(false);
      }
    }).observe(document.body, { childList: true });
    render();
  });
}
