//! The back-office REST routes: thin handlers (extract, call one `backoffice` function,
//! map the error), each documented by its `#[utoipa::path]` (see [`crate::openapi`]), and
//! [`routes`], the one list the router is built from.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Serialize;
use serde::de::DeserializeOwned;

use pos_protocol::sync::ErrorBody;

use super::JsonBody;
use crate::auth::{AdminRole, AnyRole, ManagerRole};
use crate::backoffice::billing::{CalcInput, SummaryQuery};
use crate::backoffice::orders::{ChannelOrder, OrderQuery, StatusChange};
use crate::backoffice::payments::PaymentInput;
use crate::backoffice::{self, ApiFailure, billing, orders, payments, profile};
use crate::error::BadBody;
use crate::state::AppState;

/// `axum::extract::Query`, but a bad query string answers with our JSON error.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = BadBody;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(BadBody {
                status: StatusCode::BAD_REQUEST,
                message: e.body_text(),
            }),
        }
    }
}

/// One path segment as text (ids are parsed by the `backoffice` functions, with a field
/// in the error); a segment that is not UTF-8 answers with our JSON error.
#[derive(Debug)]
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = BadBody;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Segment(v)),
            Err(e) => Err(BadBody {
                status: StatusCode::BAD_REQUEST,
                message: e.body_text(),
            }),
        }
    }
}

type Answer<T> = Result<Json<T>, ApiFailure>;

fn ok<T: Serialize>(v: T) -> Answer<T> {
    Ok(Json(v))
}

const NO_PROFILE: &str = "The organisation has no business profile yet (`profile_missing`): a till pushes \
                          one, or a manager PUTs it.";

/// Money and tax settings of the profile, and the organisation's locations.
#[utoipa::path(get, path = "/business-settings", tag = "profile",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    responses(
        (status = 200, description = "The settings.", body = profile::BusinessSettings),
        AnyRole,
        (status = 409, description = NO_PROFILE, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn business_settings(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
) -> Answer<profile::BusinessSettings> {
    ok(profile::settings(&s, &p).await?)
}

/// The business profile.
#[utoipa::path(get, path = "/business-profile", tag = "profile",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    responses(
        (status = 200, description = "The profile.", body = pos_core::Profile),
        AnyRole,
        (status = 409, description = NO_PROFILE, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn business_profile(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
) -> Answer<pos_core::Profile> {
    ok(profile::profile(&s, &p).await?)
}

/// The fields hot paths need.
#[utoipa::path(get, path = "/business-profile/lite", tag = "profile",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    responses(
        (status = 200, description = "Name, currency, pricing, service charge, cash rounding, country code.",
            body = pos_core::ProfileLite),
        AnyRole,
        (status = 409, description = NO_PROFILE, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn business_profile_lite(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
) -> Answer<pos_core::ProfileLite> {
    ok(profile::lite(&s, &p).await?)
}

/// Changes the given top-level profile fields; every till pulls the result.
#[utoipa::path(post, path = "/business-profile/update", tag = "profile",
    security(("bearer" = [])), extensions(("x-role" = json!("manager"))),
    request_body(content = Object,
        description = "Some top-level fields of the profile (see `Profile`), each replacing the current value."),
    responses(
        (status = 200, description = "The profile after the change.", body = pos_core::Profile),
        ManagerRole, JsonBody<serde_json::Value>,
        (status = 409, description = NO_PROFILE, body = ErrorBody),
        (status = 422, description = "Not an object, no field, a field the profile does not have, or a \
            profile that would not be valid; `field` names it (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn business_profile_update(
    State(s): State<AppState>,
    ManagerRole(p): ManagerRole,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Answer<pos_core::Profile> {
    ok(profile::update(&s, &p, patch).await?)
}

/// Replaces the whole profile; every till pulls it.
#[utoipa::path(put, path = "/business-profile", tag = "profile",
    security(("bearer" = [])), extensions(("x-role" = json!("manager"))),
    request_body = pos_core::Profile,
    responses(
        (status = 200, description = "The profile as stored.", body = pos_core::Profile),
        ManagerRole, JsonBody<pos_core::Profile>,
        (status = 422, description = "A value out of range; `field` names it (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn business_profile_replace(
    State(s): State<AppState>,
    ManagerRole(p): ManagerRole,
    JsonBody(body): JsonBody<pos_core::Profile>,
) -> Answer<pos_core::Profile> {
    ok(profile::replace(&s, &p, body).await?)
}

/// Orders, filtered and paginated, with the total.
#[utoipa::path(get, path = "/orders", tag = "orders",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(OrderQuery),
    responses(
        (status = 200, description = "A page of orders.", body = orders::OrderPage),
        AnyRole, QueryParams<OrderQuery>,
        (status = 404, description = "The location is not the organisation's (`not_found`).", body = ErrorBody),
        (status = 422, description = "A status, day, limit or offset out of range; `field` names it \
            (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn list_orders(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    QueryParams(q): QueryParams<OrderQuery>,
) -> Answer<orders::OrderPage> {
    ok(orders::list(&s, &p, &q).await?)
}

/// One order.
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(("id" = uuid::Uuid, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order with its lines and payments, the bill it was paid with, bills that lost a race (two tills paid it) and what is owed back.", body = pos_core::OrderRecord),
        AnyRole, Segment,
        (status = 404, description = "No such order in the organisation (`not_found`).", body = ErrorBody),
        (status = 422, description = "The id is not a UUID (`invalid_input`, `field` `id`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn get_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(id): Segment,
) -> Answer<pos_core::OrderRecord> {
    ok(orders::get(&s, &p, &id).await?.as_ref().clone())
}

/// An order from an outside channel; the location's tills receive it through pull.
#[utoipa::path(post, path = "/orders", tag = "orders",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    request_body = ChannelOrder,
    responses(
        (status = 201, description = "The order as stored, priced from the menu.", body = pos_core::Order),
        AnyRole, JsonBody<ChannelOrder>,
        (status = 404, description = "The location is not the organisation's (`not_found`).", body = ErrorBody),
        (status = 409, description = "No profile yet (`profile_missing`), or an item whose tax class the \
            profile no longer has (`conflict`).", body = ErrorBody),
        (status = 422, description = "No lines, an unknown SKU, a bad quantity, phone or order type; \
            `field` names it (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn create_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<ChannelOrder>,
) -> Result<(StatusCode, Json<pos_core::Order>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(orders::create(&s, &p, body).await?)))
}

/// Moves the order to a new status under the tills' state machine.
#[utoipa::path(put, path = "/orders/{id}", tag = "orders",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(("id" = uuid::Uuid, Path, description = "The order's id.")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The order after the change.", body = pos_core::Order),
        AnyRole, Segment, JsonBody<StatusChange>,
        (status = 404, description = "No such order in the organisation (`not_found`).", body = ErrorBody),
        (status = 409, description = "The state machine forbids the step: a paid or void order, `paid` \
            without payments, back from the kitchen (`conflict`).", body = ErrorBody),
        (status = 422, description = "The id is not a UUID or the status is unknown (`invalid_input`).",
            body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn update_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(id): Segment,
    JsonBody(body): JsonBody<StatusChange>,
) -> Answer<pos_core::Order> {
    ok(orders::set_status(&s, &p, &id, body).await?)
}

/// Records tenders against an order under the tills' payment rules.
#[utoipa::path(post, path = "/payments", tag = "billing",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    request_body = PaymentInput,
    responses(
        (status = 201, description = "The order, the payments made, the change and what is still due.",
            body = payments::PaymentReceipt),
        AnyRole, JsonBody<PaymentInput>,
        (status = 404, description = "No such order in the organisation (`not_found`).", body = ErrorBody),
        (status = 409, description = "No profile yet (`profile_missing`), a paid or void order, or an \
            on-account tender over the customer's credit limit (`conflict`).", body = ErrorBody),
        (status = 422, description = "A bad order id, method or amount, a card or UPI tender over what is \
            due, or an on-account tender without a known customer; `field` names it (`invalid_input`).",
            body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn record_payment(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<PaymentInput>,
) -> Result<(StatusCode, Json<payments::PaymentReceipt>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(payments::record(&s, &p, body).await?)))
}

/// A customer's balance.
#[utoipa::path(get, path = "/billing/customer-balance/{phone}", tag = "billing",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(("phone" = String, Path,
        description = "The phone as typed (`98450 12345`, `+91 98450-12345`); normalised with the \
                       profile's country code.")),
    responses(
        (status = 200, description = "The customer's tab.", body = billing::Balance),
        AnyRole, Segment,
        (status = 404, description = "No customer and no ledger entry with that phone (`not_found`).",
            body = ErrorBody),
        (status = 409, description = NO_PROFILE, body = ErrorBody),
        (status = 422, description = "Not a phone number (`invalid_input`, `field` `phone`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn customer_balance(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(phone): Segment,
) -> Answer<billing::Balance> {
    ok(billing::customer_balance(&s, &p, &phone).await?.as_ref().clone())
}

/// One business day: orders, bills, taxes, payments.
#[utoipa::path(get, path = "/billing/summary", tag = "billing",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(SummaryQuery),
    responses(
        (status = 200, description = "The tills' X/Z report of the day, and what only the server knows.",
            body = billing::BillingSummary),
        AnyRole, QueryParams<SummaryQuery>,
        (status = 404, description = "The location is not the organisation's (`not_found`).", body = ErrorBody),
        (status = 409, description = NO_PROFILE, body = ErrorBody),
        (status = 422, description = "A day or location that does not parse (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn billing_summary(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    QueryParams(q): QueryParams<SummaryQuery>,
) -> Answer<billing::BillingSummary> {
    ok(billing::summary(&s, &p, &q).await?.as_ref().clone())
}

/// The tills' tax engine on the given lines; stores nothing.
#[utoipa::path(post, path = "/billing/calculate-bill", tag = "billing",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    request_body = CalcInput,
    responses(
        (status = 200, description = "The bill.", body = pos_core::Bill),
        AnyRole, JsonBody<CalcInput>,
        (status = 409, description = NO_PROFILE, body = ErrorBody),
        (status = 422, description = "No lines, a bad price, quantity, tax class or discount; `field` \
            names it (`invalid_input`).", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn calculate_bill(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<CalcInput>,
) -> Answer<pos_core::Bill> {
    ok(billing::calculate(&s, &p, body).await?)
}

/// Per cache: hits, misses, ratio, entries, bytes, evictions, invalidations, load latency.
#[utoipa::path(get, path = "/admin/cache-stats", tag = "operations",
    security(("bearer" = [])), extensions(("x-role" = json!("admin"))),
    responses(
        (status = 200, description = "This instance's caches.", body = backoffice::admin::CacheReport),
        AdminRole,
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn cache_stats(
    State(s): State<AppState>,
    AdminRole(_): AdminRole,
) -> Json<backoffice::admin::CacheReport> {
    Json(backoffice::admin::report(&s))
}

/// Empties every cache of this instance and resets its statistics.
#[utoipa::path(post, path = "/admin/cache-clear", tag = "operations",
    security(("bearer" = [])), extensions(("x-role" = json!("admin"))),
    responses(
        (status = 200, description = "How many entries were dropped.", body = backoffice::admin::Cleared),
        AdminRole,
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn cache_clear(
    State(s): State<AppState>,
    AdminRole(p): AdminRole,
) -> Json<backoffice::admin::Cleared> {
    Json(backoffice::admin::clear(&s, &p))
}

/// Health: database reachable and cache listener connected.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "The database answers.", body = backoffice::admin::Health),
        (status = 503, description = "The database does not answer; the body says so.",
            body = backoffice::admin::Health),
    ))]
pub(crate) async fn healthz(State(s): State<AppState>) -> Response {
    let (status, body) = backoffice::admin::health(&s).await;
    (status, Json(body)).into_response()
}

/// Prometheus text: caches, request latency, sync, database pool.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "The Prometheus text exposition format.", body = String,
            content_type = "text/plain; version=0.0.4"),
    ))]
pub(crate) async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(&s),
    )
        .into_response()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object)))]
pub(crate) async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

/// A route the router serves. Its documentation is the handler's `#[utoipa::path]`;
/// `tests/pos_server/openapi.rs` checks that the document has exactly these routes.
#[derive(Clone, Debug)]
pub struct RouteDoc {
    pub method: Method,
    /// axum syntax (`/orders/{id}`), which is also OpenAPI's.
    pub path: &'static str,
}

/// Every route of the server with its handler: the list the router
/// ([`crate::startup::router`]) is built from.
pub fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    use axum::routing::{get, post, put};
    let route = |method: Method, path: &'static str, handler: MethodRouter<AppState>| {
        (RouteDoc { method, path }, handler)
    };
    vec![
        route(Method::GET, "/health", get(super::health)),
        route(Method::GET, "/healthz", get(healthz)),
        route(Method::GET, "/metrics", get(metrics)),
        route(Method::GET, "/openapi.json", get(openapi)),
        route(Method::POST, "/sync/enroll", post(super::enroll::enroll)),
        route(Method::POST, "/sync/push", post(super::push::push)),
        route(Method::GET, "/sync/pull", get(super::pull::pull)),
        route(Method::GET, "/business-settings", get(business_settings)),
        route(Method::GET, "/business-profile", get(business_profile)),
        route(Method::GET, "/business-profile/lite", get(business_profile_lite)),
        route(
            Method::POST,
            "/business-profile/update",
            post(business_profile_update),
        ),
        route(Method::PUT, "/business-profile", put(business_profile_replace)),
        route(Method::GET, "/orders", get(list_orders)),
        route(Method::GET, "/orders/{id}", get(get_order)),
        route(Method::POST, "/orders", post(create_order)),
        route(Method::PUT, "/orders/{id}", put(update_order)),
        route(Method::POST, "/payments", post(record_payment)),
        route(
            Method::GET,
            "/billing/customer-balance/{phone}",
            get(customer_balance),
        ),
        route(Method::GET, "/billing/summary", get(billing_summary)),
        route(Method::POST, "/billing/calculate-bill", post(calculate_bill)),
        route(Method::GET, "/admin/cache-stats", get(cache_stats)),
        route(Method::POST, "/admin/cache-clear", post(cache_clear)),
    ]
}
