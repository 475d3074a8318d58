// What every screen shares: the profile (for currency and receipts) and the menu.
import { api, type Currency, type MenuItem, type Profile } from "./api";
import { formatMoney } from "./format";

export const shared: { profile: Profile | null; menu: MenuItem[] } = { profile: null, menu: [] };

export function currency(): Currency {
  return shared.profile?.currency ?? { code: "INR", exponent: 2 };
}

export function money(minor: number): string {
  return formatMoney(minor, currency());
}

export async function loadShared(): Promise<void> {
  const [profile, menu] = await Promise.all([api.profile(), api.listMenu()]);
  shared.profile = profile;
  shared.menu = menu;
}
