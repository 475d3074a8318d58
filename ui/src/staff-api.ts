// Typed wrappers over the staff and session commands (src-tauri/src/staff.rs). Shapes
// mirror crates/pos-app/src/staff.rs.
import { call, requestId } from "./api";

export type Role = "cashier" | "manager";

export interface Session {
  staff_id: string;
  name: string;
  role: Role;
}
export interface SessionState {
  session: Session | null;
  lock_after_ms: number;
}
export interface StaffView {
  id: string;
  name: string;
  role: Role;
  active: boolean;
  locked_until_ms?: number;
}
export interface StaffList {
  staff: StaffView[];
  needs_first_manager: boolean;
}
export interface Approver {
  staff_id: string;
  pin: string;
}

export const staffApi = {
  listStaff: () => call<StaffList>("list_staff"),
  login: (staffId: string, pin: string) => call<Session>("login", { staff_id: staffId, pin }),
  createFirstManager: (name: string, pin: string) => call<Session>("create_first_manager", { name, pin }),
  session: () => call<SessionState>("session"),
  lock: () => call<null>("lock"),
  touch: () => call<null>("touch"),
  createStaff: (name: string, role: Role, pin: string) =>
    call<StaffView>("create_staff", { new: { name, role, pin, request_id: requestId() } }),
  updateStaff: (update: { staff_id: string; name?: string | null; role?: Role | null; active?: boolean | null }) =>
    call<StaffView>("update_staff", { update }),
  resetPin: (staffId: string, pin: string) => call<StaffView>("reset_pin", { staff_id: staffId, pin }),
};
