//! The back-office REST routes: thin handlers (extract, call one `backoffice` function,
//! map the error) and [`ROUTES`], the one list the router and the OpenAPI document are
//! both built from.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::JsonBody;
use crate::auth::{AdminRole, AnyRole, ManagerRole, Role};
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

#[tracing::instrument(skip_all, err)]
async fn business_settings(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
) -> Answer<profile::BusinessSettings> {
    ok(profile::settings(&s, &p).await?)
}

#[tracing::instrument(skip_all, err)]
async fn business_profile(State(s): State<AppState>, AnyRole(p): AnyRole) -> Answer<pos_core::Profile> {
    ok(profile::profile(&s, &p).await?)
}

#[tracing::instrument(skip_all, err)]
async fn business_profile_lite(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
) -> Answer<pos_core::ProfileLite> {
    ok(profile::lite(&s, &p).await?)
}

#[tracing::instrument(skip_all, err)]
async fn business_profile_update(
    State(s): State<AppState>,
    ManagerRole(p): ManagerRole,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Answer<pos_core::Profile> {
    ok(profile::update(&s, &p, patch).await?)
}

#[tracing::instrument(skip_all, err)]
async fn business_profile_replace(
    State(s): State<AppState>,
    ManagerRole(p): ManagerRole,
    JsonBody(body): JsonBody<pos_core::Profile>,
) -> Answer<pos_core::Profile> {
    ok(profile::replace(&s, &p, body).await?)
}

#[tracing::instrument(skip_all, err)]
async fn list_orders(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    QueryParams(q): QueryParams<OrderQuery>,
) -> Answer<orders::OrderPage> {
    ok(orders::list(&s, &p, &q).await?)
}

#[tracing::instrument(skip_all, err)]
async fn get_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(id): Segment,
) -> Answer<pos_core::OrderRecord> {
    ok(orders::get(&s, &p, &id).await?.as_ref().clone())
}

#[tracing::instrument(skip_all, err)]
async fn create_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<ChannelOrder>,
) -> Result<(StatusCode, Json<pos_core::Order>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(orders::create(&s, &p, body).await?)))
}

#[tracing::instrument(skip_all, err)]
async fn update_order(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(id): Segment,
    JsonBody(body): JsonBody<StatusChange>,
) -> Answer<pos_core::Order> {
    ok(orders::set_status(&s, &p, &id, body).await?)
}

#[tracing::instrument(skip_all, err)]
async fn record_payment(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<PaymentInput>,
) -> Result<(StatusCode, Json<payments::PaymentReceipt>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(payments::record(&s, &p, body).await?)))
}

#[tracing::instrument(skip_all, err)]
async fn customer_balance(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    Segment(phone): Segment,
) -> Answer<billing::Balance> {
    ok(billing::customer_balance(&s, &p, &phone).await?.as_ref().clone())
}

#[tracing::instrument(skip_all, err)]
async fn billing_summary(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    QueryParams(q): QueryParams<SummaryQuery>,
) -> Answer<billing::BillingSummary> {
    ok(billing::summary(&s, &p, &q).await?.as_ref().clone())
}

#[tracing::instrument(skip_all, err)]
async fn calculate_bill(
    State(s): State<AppState>,
    AnyRole(p): AnyRole,
    JsonBody(body): JsonBody<CalcInput>,
) -> Answer<pos_core::Bill> {
    ok(billing::calculate(&s, &p, body).await?)
}

#[tracing::instrument(skip_all)]
async fn cache_stats(
    State(s): State<AppState>,
    AdminRole(_): AdminRole,
) -> Json<backoffice::admin::CacheReport> {
    Json(backoffice::admin::report(&s))
}

#[tracing::instrument(skip_all)]
async fn cache_clear(State(s): State<AppState>, AdminRole(p): AdminRole) -> Json<backoffice::admin::Cleared> {
    Json(backoffice::admin::clear(&s, &p))
}

async fn healthz(State(s): State<AppState>) -> Response {
    let (status, body) = backoffice::admin::health(&s).await;
    (status, Json(body)).into_response()
}

async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(&s),
    )
        .into_response()
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

/// What the OpenAPI document says about a route.
#[derive(Clone, Debug)]
pub struct RouteDoc {
    pub method: Method,
    /// axum syntax (`/orders/{id}`), which is also OpenAPI's.
    pub path: &'static str,
    pub summary: &'static str,
    /// The least role that may call it; `None`: no token needed.
    pub role: Option<Role>,
    pub request: Option<&'static str>,
    pub response: &'static str,
    /// The success status.
    pub status: u16,
    /// `(name, in, required, description)`.
    pub params: &'static [(&'static str, &'static str, bool, &'static str)],
    /// Error statuses this route can answer (all with the one error body).
    pub errors: &'static [u16],
}

/// Every route of the server with its handler and its documentation. The router
/// ([`crate::startup::router`]) and the OpenAPI document ([`crate::openapi::document`])
/// are both built from this list, so they cannot drift apart.
pub fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    use axum::routing::{get, post, put};
    const AUTH: &[u16] = &[400, 401, 403, 404, 409, 413, 415, 422, 503];
    const READ: &[u16] = &[400, 401, 404, 409, 422, 503];
    let doc = move |method: Method,
                    path: &'static str,
                    summary: &'static str,
                    role: Option<Role>,
                    request: Option<&'static str>,
                    response: &'static str,
                    errors: &'static [u16]| RouteDoc {
        method,
        path,
        summary,
        role,
        request,
        response,
        status: 200,
        params: &[],
        errors,
    };
    vec![
        (
            doc(
                Method::GET,
                "/health",
                "Liveness (plain text `ok`).",
                None,
                None,
                "Text",
                &[],
            ),
            get(super::health),
        ),
        (
            doc(
                Method::GET,
                "/healthz",
                "Health: database reachable and cache listener connected.",
                None,
                None,
                "Health",
                &[503],
            ),
            get(healthz),
        ),
        (
            doc(
                Method::GET,
                "/metrics",
                "Prometheus text: caches, request latency, sync, database pool.",
                None,
                None,
                "Text",
                &[],
            ),
            get(metrics),
        ),
        (
            doc(
                Method::GET,
                "/openapi.json",
                "This document.",
                None,
                None,
                "Object",
                &[],
            ),
            get(openapi),
        ),
        (
            doc(
                Method::POST,
                "/sync/enroll",
                "A one-time enrollment code becomes a device token (shown once).",
                None,
                Some("EnrollRequest"),
                "EnrollResponse",
                &[400, 403, 413, 415, 422, 503],
            ),
            post(super::enroll::enroll),
        ),
        (
            doc(
                Method::POST,
                "/sync/push",
                "A till pushes its outbox; each mutation applied exactly once.",
                Some(Role::Device),
                Some("PushRequest"),
                "PushResponse",
                &[400, 401, 409, 413, 415, 503],
            ),
            post(super::push::push),
        ),
        (
            RouteDoc {
                params: &[
                    ("cursor", "query", false, "Opaque cursor from the previous pull."),
                    (
                        "wait_ms",
                        "query",
                        false,
                        "Long-poll up to this many ms (server bound 25 s).",
                    ),
                ],
                ..doc(
                    Method::GET,
                    "/sync/pull",
                    "The organisation's changes after the cursor (long-poll).",
                    Some(Role::Device),
                    None,
                    "PullResponse",
                    &[400, 401, 503],
                )
            },
            get(super::pull::pull),
        ),
        (
            doc(
                Method::GET,
                "/business-settings",
                "Money and tax settings of the profile, and the locations.",
                Some(Role::Device),
                None,
                "BusinessSettings",
                READ,
            ),
            get(business_settings),
        ),
        (
            doc(
                Method::GET,
                "/business-profile",
                "The business profile.",
                Some(Role::Device),
                None,
                "Profile",
                READ,
            ),
            get(business_profile),
        ),
        (
            doc(
                Method::GET,
                "/business-profile/lite",
                "The fields hot paths need.",
                Some(Role::Device),
                None,
                "ProfileLite",
                READ,
            ),
            get(business_profile_lite),
        ),
        (
            doc(
                Method::POST,
                "/business-profile/update",
                "Changes the given top-level profile fields; every till pulls the result.",
                Some(Role::Manager),
                Some("ProfilePatch"),
                "Profile",
                AUTH,
            ),
            post(business_profile_update),
        ),
        (
            doc(
                Method::PUT,
                "/business-profile",
                "Replaces the whole profile; every till pulls it.",
                Some(Role::Manager),
                Some("Profile"),
                "Profile",
                AUTH,
            ),
            put(business_profile_replace),
        ),
        (
            RouteDoc {
                params: &[
                    (
                        "status",
                        "query",
                        false,
                        "`active` or a comma-separated list of statuses.",
                    ),
                    ("from", "query", false, "First business day, YYYY-MM-DD."),
                    ("to", "query", false, "Last business day, YYYY-MM-DD."),
                    ("location", "query", false, "A location id of the organisation."),
                    ("limit", "query", false, "1 to 200, default 50."),
                    ("offset", "query", false, "Default 0."),
                ],
                ..doc(
                    Method::GET,
                    "/orders",
                    "Orders, filtered and paginated, with the total.",
                    Some(Role::Device),
                    None,
                    "OrderPage",
                    READ,
                )
            },
            get(list_orders),
        ),
        (
            RouteDoc {
                params: &[("id", "path", true, "The order's id (UUID).")],
                ..doc(
                    Method::GET,
                    "/orders/{id}",
                    "One order.",
                    Some(Role::Device),
                    None,
                    "Order",
                    READ,
                )
            },
            get(get_order),
        ),
        (
            RouteDoc {
                status: 201,
                ..doc(
                    Method::POST,
                    "/orders",
                    "An order from an outside channel; the location's tills receive it through pull.",
                    Some(Role::Device),
                    Some("ChannelOrder"),
                    "Order",
                    AUTH,
                )
            },
            post(create_order),
        ),
        (
            RouteDoc {
                params: &[("id", "path", true, "The order's id (UUID).")],
                ..doc(
                    Method::PUT,
                    "/orders/{id}",
                    "Moves the order to a new status under the tills' state machine.",
                    Some(Role::Device),
                    Some("StatusChange"),
                    "Order",
                    AUTH,
                )
            },
            put(update_order),
        ),
        (
            RouteDoc {
                status: 201,
                ..doc(
                    Method::POST,
                    "/payments",
                    "Records tenders against an order under the tills' payment rules.",
                    Some(Role::Device),
                    Some("PaymentInput"),
                    "PaymentReceipt",
                    AUTH,
                )
            },
            post(record_payment),
        ),
        (
            RouteDoc {
                params: &[(
                    "phone",
                    "path",
                    true,
                    "The phone as typed; normalised with the profile's country code.",
                )],
                ..doc(
                    Method::GET,
                    "/billing/customer-balance/{phone}",
                    "A customer's balance.",
                    Some(Role::Device),
                    None,
                    "Balance",
                    READ,
                )
            },
            get(customer_balance),
        ),
        (
            RouteDoc {
                params: &[
                    ("day", "query", false, "Business day, YYYY-MM-DD; default today."),
                    (
                        "location",
                        "query",
                        false,
                        "A location id; default the whole organisation.",
                    ),
                ],
                ..doc(
                    Method::GET,
                    "/billing/summary",
                    "One business day: orders, bills, taxes, payments.",
                    Some(Role::Device),
                    None,
                    "BillingSummary",
                    READ,
                )
            },
            get(billing_summary),
        ),
        (
            doc(
                Method::POST,
                "/billing/calculate-bill",
                "The tills' tax engine on the given lines; stores nothing.",
                Some(Role::Device),
                Some("CalcInput"),
                "Bill",
                AUTH,
            ),
            post(calculate_bill),
        ),
        (
            doc(
                Method::GET,
                "/admin/cache-stats",
                "Per cache: hits, misses, ratio, entries, bytes, evictions, invalidations, load latency.",
                Some(Role::Admin),
                None,
                "CacheReport",
                &[401, 403, 503],
            ),
            get(cache_stats),
        ),
        (
            doc(
                Method::POST,
                "/admin/cache-clear",
                "Empties every cache of this instance and resets its statistics.",
                Some(Role::Admin),
                None,
                "Cleared",
                &[401, 403, 503],
            ),
            post(cache_clear),
        ),
    ]
}
