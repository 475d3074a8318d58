// Wrappers over the staff and session commands (src-tauri/src/staff.rs), through ipc.ts's
// `call` like every command.
import { call, requestId } from "./ipc";

// Generated from the Rust types (ui/src/generated, checked by the Rust tests).
import type { Role } from "./generated/pos_core";
import type { Approval, Session, SessionState, StaffList, StaffUpdate, StaffView } from "./generated/pos_app";
export type { Approval, Role, Session, SessionState, StaffList, StaffUpdate, StaffView };

export const staffApi = {
  listStaff: () => call("list_staff"),
  login: (staffId: string, pin: string) => call("login", { staff_id: staffId, pin }),
  createFirstManager: (name: string, pin: string) => call("create_first_manager", { name, pin }),
  session: () => call("session"),
  lock: () => call("lock"),
  touch: () => call("touch"),
  createStaff: (name: string, role: Role, pin: string) =>
    call("create_staff", { new: { name, role, pin, request_id: requestId() } }),
  updateStaff: (update: StaffUpdate) => call("update_staff", { update }),
  resetPin: (staffId: string, pin: string) => call("reset_pin", { staff_id: staffId, pin }),
};
