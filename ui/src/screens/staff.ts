// Settings → Staff (managers only; the commands refuse anyone else): the list with roles,
// add a member, change role, deactivate or reactivate, reset a PIN.
import { type AppError } from "../api";
import { busy, errorSlot, h, modal, replace, showError, toast } from "../dom";
import { current } from "../session";
import { staffApi, type Role, type StaffView } from "../staff-api";

export function mountStaff(host: HTMLElement): void {
  const err = errorSlot("staff");
  const table = h("div", { class: "table-wrap", "data-testid": "staff-table" });
  const add = h("button", { class: "secondary", "data-testid": "staff-add" }, "Add staff");
  replace(host, err, table, h("div", { class: "actions left" }, add));

  const refresh = async () => {
    try {
      const list = await staffApi.listStaff();
      renderTable(table, list.staff, refresh, err);
      showError(err, null);
    } catch (e) {
      showError(err, e as AppError);
    }
  };
  add.addEventListener("click", () => addDialog(refresh));
  void refresh();
}

function renderTable(host: HTMLElement, staff: StaffView[], refresh: () => Promise<void>, err: HTMLElement): void {
  const act = (button: HTMLButtonElement, run: () => Promise<unknown>, done: string) =>
    void busy(button, async () => {
      try {
        await run();
        toast(done);
        await refresh();
      } catch (e) {
        showError(err, e as AppError);
      }
    });
  replace(
    host,
    h(
      "table",
      { class: "data staff" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Role"), h("th", {}, "Status"), h("th", {}, ""))),
      h(
        "tbody",
        {},
        staff.map((s) => {
          const me = s.id === current.session?.staff_id;
          const otherRole: Role = s.role === "manager" ? "cashier" : "manager";
          const locked = s.locked_until_ms && s.locked_until_ms > Date.now();
          return h(
            "tr",
            { "data-staff-row": s.name, class: s.active ? "" : "inactive" },
            h("td", {}, s.name, me ? h("span", { class: "muted small" }, " (you)") : null),
            h("td", {}, h("span", { class: `badge role-${s.role}` }, s.role === "manager" ? "Manager" : "Cashier")),
            h("td", {}, !s.active ? "Inactive" : locked ? `Locked until ${new Date(s.locked_until_ms!).toLocaleTimeString()}` : "Active"),
            h(
              "td",
              { class: "row-actions" },
              h("button", { class: "ghost small", "data-action": "role", onclick: (e: Event) => act(e.currentTarget as HTMLButtonElement, () => staffApi.updateStaff({ staff_id: s.id, role: otherRole }), `${s.name} is now a ${otherRole}`) },
                otherRole === "manager" ? "Make manager" : "Make cashier"),
              h("button", { class: "ghost small", "data-action": "active", onclick: (e: Event) => act(e.currentTarget as HTMLButtonElement, () => staffApi.updateStaff({ staff_id: s.id, active: !s.active }), s.active ? `${s.name} deactivated` : `${s.name} reactivated`) },
                s.active ? "Deactivate" : "Reactivate"),
              h("button", { class: "ghost small", "data-action": "pin", onclick: () => pinDialog(s, refresh) }, "Reset PIN"),
            ),
          );
        }),
      ),
    ),
  );
}

function addDialog(refresh: () => Promise<void>): void {
  const name = h("input", { "data-testid": "staff-name", autocomplete: "off" });
  const role = h("select", { "data-testid": "staff-role" }, h("option", { value: "cashier" }, "Cashier"), h("option", { value: "manager" }, "Manager"));
  const pin = h("input", { "data-testid": "staff-pin", type: "password", inputmode: "numeric", autocomplete: "off", placeholder: "4 to 8 digits" });
  const nameErr = errorSlot("name");
  const pinErr = errorSlot("pin");
  const err = errorSlot("add-staff");
  const save = h("button", { class: "primary", "data-testid": "staff-save" }, "Add");
  const m = modal("Add staff", h("div", { class: "dialog-body" },
    h("label", { class: "field" }, h("span", {}, "Name"), name, nameErr),
    h("label", { class: "field" }, h("span", {}, "Role"), role),
    h("label", { class: "field" }, h("span", {}, "PIN"), pin, pinErr),
    err, h("div", { class: "actions" }, save)), { testid: "staff-dialog" });
  save.addEventListener("click", () => void busy(save, async () => {
    [nameErr, pinErr, err].forEach((s) => showError(s, null));
    try {
      const v = await staffApi.createStaff(name.value, role.value as Role, pin.value);
      toast(`${v.name} added`);
      m.close();
      await refresh();
    } catch (e) {
      const a = e as AppError;
      showError(a.field === "name" ? nameErr : a.field === "pin" ? pinErr : err, a);
    }
  }));
}

function pinDialog(s: StaffView, refresh: () => Promise<void>): void {
  const pin = h("input", { "data-testid": "reset-pin", type: "password", inputmode: "numeric", autocomplete: "off", placeholder: "4 to 8 digits" });
  const err = errorSlot("pin");
  const save = h("button", { class: "primary", "data-testid": "reset-save" }, "Set PIN");
  const m = modal(`New PIN for ${s.name}`, h("div", { class: "dialog-body" },
    h("label", { class: "field" }, h("span", {}, "New PIN"), pin, err), h("div", { class: "actions" }, save)));
  save.addEventListener("click", () => void busy(save, async () => {
    try {
      await staffApi.resetPin(s.id, pin.value);
      toast(`PIN changed for ${s.name}`);
      m.close();
      await refresh();
    } catch (e) {
      showError(err, e as AppError);
    }
  }));
}
