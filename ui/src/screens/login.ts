// The lock screen: pick who you are, type your PIN on the pad (or the keyboard). On a
// till with no staff yet it asks for the first manager instead. It covers the till
// without unmounting it, so the ticket being built is still there after the login.
import { type AppError } from "../api";
import { busy, errorSlot, h, replace, showError } from "../dom";
import { current, pinDots, pinPress, pinReady } from "../session";
import { staffApi, type Session, type StaffView } from "../staff-api";

let overlay: HTMLElement | null = null;
let keyHandler: ((e: KeyboardEvent) => void) | null = null;

export function loginShown(): boolean {
  return overlay !== null;
}

function close(): void {
  if (keyHandler) document.removeEventListener("keydown", keyHandler, true);
  keyHandler = null;
  overlay?.remove();
  overlay = null;
}

/** Shows the lock screen; `onUnlocked` runs after a good PIN (or the first manager). */
export async function showLogin(onUnlocked: (s: Session) => void): Promise<void> {
  // Dialogs over the till (payment, discount) close: the next person starts clean.
  document.querySelectorAll(".backdrop").forEach((b) => b.remove());
  if (!overlay) {
    overlay = h("div", { class: "login-screen", "data-testid": "login-screen", role: "dialog", "aria-modal": "true", "aria-label": "Log in" });
    document.body.appendChild(overlay);
  }
  const host = overlay;
  replace(host, h("div", { class: "login-card" }, h("p", { class: "muted" }, "Loading staff…")));
  const err = errorSlot("login");
  let list;
  try {
    list = await staffApi.listStaff();
  } catch (e) {
    replace(host, h("div", { class: "login-card" }, err));
    showError(err, e as AppError);
    return;
  }
  const done = (s: Session) => {
    current.session = s;
    close();
    onUnlocked(s);
  };
  if (list.needs_first_manager) {
    firstManager(host, done);
  } else {
    pinPad(host, list.staff.filter((s) => s.active), done);
  }
}

function pinPad(host: HTMLElement, staff: StaffView[], done: (s: Session) => void): void {
  let selected: StaffView | null = staff.length === 1 ? staff[0]! : null;
  let pin = "";
  const err = errorSlot("pin");
  const who = h("h2", { class: "login-who", "data-testid": "login-who" });
  const dots = h("div", { class: "pin-dots", "data-testid": "pin-dots", "aria-live": "polite" });
  const ok = h("button", { class: "primary big pin-ok", "data-testid": "pin-ok" }, "Log in");
  const people = h("div", { class: "login-staff", role: "list" });

  const render = () => {
    replace(
      people,
      staff.map((s) =>
        h(
          "button",
          {
            class: `staff-btn${selected?.id === s.id ? " active" : ""}`,
            role: "listitem",
            "data-staff-id": s.id,
            "data-staff-name": s.name,
            "aria-pressed": selected?.id === s.id ? "true" : "false",
            onclick: () => {
              selected = s;
              pin = "";
              showError(err, null);
              render();
            },
          },
          h("span", { class: "staff-name" }, s.name),
          h("span", { class: `badge role-${s.role}` }, s.role === "manager" ? "Manager" : "Cashier"),
        ),
      ),
    );
    who.textContent = selected ? selected.name : "Who is at the till?";
    dots.textContent = pin ? pinDots(pin) : selected ? "Enter your PIN" : "";
    dots.classList.toggle("empty", !pin);
    ok.disabled = !selected || !pinReady(pin);
  };

  const submit = () => {
    if (!selected || !pinReady(pin)) return;
    const id = selected.id;
    const typed = pin;
    void busy(ok, async () => {
      try {
        const s = await staffApi.login(id, typed);
        done(s);
      } catch (e) {
        pin = "";
        render();
        showError(err, e as AppError);
      }
    });
  };

  const press = (key: string) => {
    if (!selected) return;
    pin = pinPress(pin, key);
    showError(err, null);
    render();
  };

  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
  const pad = h(
    "div",
    { class: "pin-pad", "data-testid": "pin-pad" },
    keys.map((k) =>
      h(
        "button",
        {
          class: `pin-key${/\d/.test(k) ? "" : " fn"}`,
          "data-key": k,
          "aria-label": k === "back" ? "Delete last digit" : k === "clear" ? "Clear" : k,
          onclick: () => press(k),
        },
        k === "back" ? "⌫" : k === "clear" ? "C" : k,
      ),
    ),
  );
  ok.addEventListener("click", submit);
  keyHandler = (e: KeyboardEvent) => {
    if (/^[0-9]$/.test(e.key) || e.key === "Backspace") {
      e.preventDefault();
      e.stopPropagation();
      press(e.key);
    } else if (e.key === "Enter") {
      e.preventDefault();
      e.stopPropagation();
      submit();
    } else if (e.key === "Escape") {
      press("clear");
    } else if (/^F\d+$/.test(e.key)) {
      // Screen keys do nothing while locked.
      e.preventDefault();
      e.stopPropagation();
    }
  };
  document.addEventListener("keydown", keyHandler, true);

  replace(
    host,
    h(
      "div",
      { class: "login-card" },
      h("div", { class: "login-left" }, h("div", { class: "brand" }, "S"), h("h1", {}, "Till locked"), h("p", { class: "muted" }, "Tap your name, then your PIN."), people),
      h("div", { class: "login-right" }, who, dots, err, pad, ok),
    ),
  );
  render();
}

function firstManager(host: HTMLElement, done: (s: Session) => void): void {
  const name = h("input", { "data-testid": "first-name", autocomplete: "off", placeholder: "Your name" });
  const pin = h("input", { "data-testid": "first-pin", type: "password", inputmode: "numeric", autocomplete: "off", placeholder: "4 to 8 digits" });
  const again = h("input", { "data-testid": "first-pin-again", type: "password", inputmode: "numeric", autocomplete: "off" });
  const nameErr = errorSlot("name");
  const pinErr = errorSlot("pin");
  const err = errorSlot("first");
  const create = h("button", { class: "primary big", "data-testid": "first-create" }, "Create manager and log in");
  create.addEventListener("click", () =>
    void busy(create, async () => {
      [nameErr, pinErr, err].forEach((s) => showError(s, null));
      if (pin.value !== again.value) {
        showError(pinErr, "The two PINs differ");
        return;
      }
      try {
        done(await staffApi.createFirstManager(name.value, pin.value));
      } catch (e) {
        const a = e as AppError;
        showError(a.field === "name" ? nameErr : a.field === "pin" ? pinErr : err, a);
      }
    }),
  );
  replace(
    host,
    h(
      "div",
      { class: "login-card single", "data-testid": "first-manager" },
      h("div", { class: "brand" }, "S"),
      h("h1", {}, "Create the first manager"),
      h("p", { class: "muted" }, "This till has no staff yet. The first person is its manager: they add cashiers and other managers in Settings."),
      h("label", { class: "field" }, h("span", {}, "Name"), name, nameErr),
      h("label", { class: "field" }, h("span", {}, "PIN"), pin, pinErr),
      h("label", { class: "field" }, h("span", {}, "PIN again"), again),
      err,
      create,
    ),
  );
  name.focus();
}
