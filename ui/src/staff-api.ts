// Typed wrappers over the staff and session commands (src-tauri/src/staff.rs).
import { call, requestId } from "./api";

// Generated from the Rust types (ui/src/generated, checked by the Rust tests).
import type { Role } from "./generated/pos_core";
import type { Approval, Session, SessionState, StaffList, StaffUpdate, StaffView } from "./generated/pos_app";
export type { Approval, Role, Session, SessionState, StaffList, StaffUpdate, StaffView };

export const staffApi = {
  listStaff: () => call<StaffList>("list_staff"),
  login: (staffId: string, pin: string) => call<Session>("login", { staff_id: staffId, pin }),
  createFirstManager: (name: string, pin: string) => call<Session>("create_first_manager", { name, pin }),
  session: () => call<SessionState>("session"),
  lock: () => call<null>("lock"),
  touch: () => call<null>("touch"),
  createStaff: (name: string, role: Role, pin: string) =>
    call<StaffView>("create_staff", { new: { name, role, pin, request_id: requestId() } }),
  updateStaff: (update: StaffUpdate) => call<StaffView>("update_staff", { update }),
  resetPin: (staffId: string, pin: string) => call<StaffView>("reset_pin", { staff_id: staffId, pin }),
};
