//! The till's commands: extract, call one pos-app function on a blocking thread, return
//! its result or its [`AppError`]. SQLite calls block, so none runs on the UI thread or
//! on an async worker: [`blocking`] moves each onto tauri's blocking pool.
//!
//! Arguments are named in snake_case on both sides (`rename_all`), the same names the
//! Rust views use, so the UI sends `{order_id}` and never has to translate.

use pos_app::staff::{Approval, VoidLine};
use pos_app::{Actor, Need};
use pos_app::{
    AddLine, App, AppError, BillView, CacheReport, ClearReport, CustomerBalance, DaySummary, ListOrders,
    OrdersPage, PaymentReceipt, RecordPayment, SettleBalance, WarmUpReport,
};
use pos_core::order::NewOrder;
use pos_core::{Discount, LineId, MenuItem, Order, OrderId, OrderRecord, OrderStatus, Profile, ProfileLite};
use tauri::State;

use crate::Till;

type Reply<T> = Result<T, AppError>;

/// Runs `f` against the engine on the blocking pool.
pub(crate) async fn blocking<T, F>(till: &Till, f: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&App) -> Reply<T> + Send + 'static,
{
    let app = till.app.clone();
    tauri::async_runtime::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| AppError::internal(format!("the till's worker stopped: {e}")))?
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn profile(till: State<'_, Till>) -> Reply<Profile> {
    blocking(&till, |a| a.profile().map(|p| (*p).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn profile_lite(till: State<'_, Till>) -> Reply<ProfileLite> {
    blocking(&till, |a| a.profile_lite().map(|p| (*p).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn update_profile(till: State<'_, Till>, profile: Profile) -> Reply<Profile> {
    let by = till.session(Need::Manager)?;
    blocking(&till, move |a| {
        a.update_profile(Actor::Staff(&by), profile).map(|p| (*p).clone())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn list_menu(till: State<'_, Till>) -> Reply<Vec<MenuItem>> {
    blocking(&till, |a| a.list_menu(false)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn create_order(till: State<'_, Till>, new: NewOrder) -> Reply<Order> {
    blocking(&till, move |a| a.create_order(new)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn get_order(till: State<'_, Till>, order_id: OrderId) -> Reply<OrderRecord> {
    blocking(&till, move |a| a.order(order_id).map(|o| (*o).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn add_line(till: State<'_, Till>, input: AddLine) -> Reply<Order> {
    blocking(&till, move |a| a.add_line(input)).await
}

/// Voids a line as the logged-in member; `approver` (a manager's id and PIN) is needed
/// when a cashier voids after the kitchen has the order.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn void_line(
    till: State<'_, Till>,
    order_id: OrderId,
    line_id: LineId,
    reason: String,
    approver: Option<Approval>,
) -> Reply<Order> {
    let by = till.session(Need::Staff)?;
    let input = VoidLine {
        order_id,
        line_id,
        reason,
        approver,
    };
    blocking(&till, move |a| a.void_line(Actor::Staff(&by), input)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn set_order_discount(
    till: State<'_, Till>,
    order_id: OrderId,
    discount: Option<Discount>,
) -> Reply<Order> {
    blocking(&till, move |a| a.set_order_discount(order_id, discount)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn set_status(till: State<'_, Till>, order_id: OrderId, status: OrderStatus) -> Reply<Order> {
    blocking(&till, move |a| a.set_status(order_id, status)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn list_orders(till: State<'_, Till>, query: ListOrders) -> Reply<OrdersPage> {
    blocking(&till, move |a| a.list_orders(&query)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn calculate_bill(till: State<'_, Till>, order_id: OrderId) -> Reply<BillView> {
    blocking(&till, move |a| a.calculate_bill(order_id).map(|b| (*b).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn record_payment(till: State<'_, Till>, input: RecordPayment) -> Reply<PaymentReceipt> {
    blocking(&till, move |a| a.record_payment(input)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn customer_balance(till: State<'_, Till>, phone: String) -> Reply<CustomerBalance> {
    blocking(&till, move |a| a.customer_balance(&phone).map(|b| (*b).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn settle_balance(till: State<'_, Till>, input: SettleBalance) -> Reply<CustomerBalance> {
    blocking(&till, move |a| a.settle_balance(input).map(|b| (*b).clone())).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn billing_summary(till: State<'_, Till>, day: Option<String>) -> Reply<DaySummary> {
    blocking(&till, move |a| {
        a.billing_summary(day.as_deref()).map(|s| (*s).clone())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn cache_stats(till: State<'_, Till>) -> Reply<CacheReport> {
    blocking(&till, |a| a.cache_stats()).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn clear_cache(till: State<'_, Till>) -> Reply<ClearReport> {
    blocking(&till, |a| a.clear_cache()).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn warm_up(till: State<'_, Till>) -> Reply<WarmUpReport> {
    blocking(&till, |a| a.warm_up()).await
}
