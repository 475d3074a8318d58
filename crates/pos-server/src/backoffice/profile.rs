//! Business settings and profile: cached reads, manager edits that every till pulls.

use std::sync::Arc;

use pos_core::{Profile, ProfileLite};
use pos_protocol::Mutation;
use serde::Serialize;
use uuid::Uuid;

use super::{ApiFailure, Location, Result};
use crate::auth::Principal;
use crate::cache::OrgProfile;
use crate::org_tx::OrgTx;
use crate::state::AppState;

/// What the tills' tax engine and the back office compute with: the money settings of the
/// profile and the organisation's locations.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BusinessSettings {
    pub currency: pos_core::Currency,
    pub country_code: String,
    pub utc_offset_minutes: i32,
    pub day_starts_at_hour: u8,
    pub pricing: pos_core::profile::PricingMode,
    pub tax_rounding: pos_core::profile::TaxRoundingLevel,
    pub taxes_rounded: pos_core::profile::TaxesRounded,
    pub rounding: pos_core::Rounding,
    pub cash_rounding_increment: pos_core::Money,
    pub cash_rounding: pos_core::CashRounding,
    pub round_off_to: pos_core::profile::RoundOffTo,
    pub service_charge: pos_core::Percent,
    pub service_charge_taxed: bool,
    pub service_charge_order_types: pos_core::OrderTypes,
    pub tax_classes: Vec<pos_core::TaxClass>,
    pub locations: Vec<Location>,
}

/// The organisation's profile and locations, from cache when current.
pub async fn org_profile(state: &AppState, who: &Principal) -> Result<Arc<OrgProfile>> {
    let org = who.org_id;
    let fresh = state.caches.is_current(org, who.data_version);
    state
        .caches
        .profile
        .get_or_load_async(&org, fresh, load(state, org))
        .await
}

async fn load(state: &AppState, org: Uuid) -> Result<OrgProfile> {
    let client = state.db.get().await?;
    let profile = match client
        .query_opt("SELECT data FROM profile WHERE org_id = $1", &[&org])
        .await?
    {
        Some(r) => Some(serde_json::from_value(r.get(0))?),
        None => None,
    };
    let locations = client
        .query(
            "SELECT id, name FROM locations WHERE org_id = $1 ORDER BY name, id",
            &[&org],
        )
        .await?
        .into_iter()
        .map(|r| Location {
            id: r.get(0),
            name: r.get(1),
        })
        .collect();
    Ok(OrgProfile { profile, locations })
}

/// The profile, or `profile_missing`.
pub async fn require(state: &AppState, who: &Principal) -> Result<(Arc<OrgProfile>, Profile)> {
    let p = org_profile(state, who).await?;
    let profile = p.profile.clone().ok_or(ApiFailure::NoProfile)?;
    Ok((p, profile))
}

pub async fn profile(state: &AppState, who: &Principal) -> Result<Profile> {
    Ok(require(state, who).await?.1)
}

pub async fn lite(state: &AppState, who: &Principal) -> Result<ProfileLite> {
    Ok(require(state, who).await?.1.lite())
}

pub async fn settings(state: &AppState, who: &Principal) -> Result<BusinessSettings> {
    let (org, p) = require(state, who).await?;
    Ok(BusinessSettings {
        currency: p.currency,
        country_code: p.country_code,
        utc_offset_minutes: p.utc_offset_minutes,
        day_starts_at_hour: p.day_starts_at_hour,
        pricing: p.pricing,
        tax_rounding: p.tax_rounding,
        taxes_rounded: p.taxes_rounded,
        rounding: p.rounding,
        cash_rounding_increment: p.cash_rounding_increment,
        cash_rounding: p.cash_rounding,
        round_off_to: p.round_off_to,
        service_charge: p.service_charge,
        service_charge_taxed: p.service_charge_taxed,
        service_charge_order_types: p.service_charge_order_types,
        tax_classes: p.tax_classes,
        locations: org.locations.clone(),
    })
}

/// `PUT /business-profile`: the whole profile, validated by pos-core, becomes a
/// `profile.update` every till pulls (last writer wins in server order, as for tills).
pub async fn replace(state: &AppState, who: &Principal, profile: Profile) -> Result<Profile> {
    let profile = profile.validated()?;
    let mut client = state.db.get().await?;
    let mut otx = OrgTx::begin(&mut client, who.org_id).await?;
    // The route's extractor already required a manager token; `by` names a till's staff.
    let m = Mutation::ProfileUpdate {
        profile: Box::new(profile.clone()),
        by: None,
    };
    super::apply(&mut otx, &m).await?;
    otx.commit(state).await?;
    tracing::info!(org = %who.org_id, principal = %who.principal, "profile replaced");
    Ok(profile)
}

/// `POST /business-profile/update`: the given top-level fields replace the current ones
/// (read under the write lock, so two partial updates never lose each other's fields).
pub async fn update(state: &AppState, who: &Principal, patch: serde_json::Value) -> Result<Profile> {
    let serde_json::Value::Object(patch) = patch else {
        return Err(ApiFailure::invalid(
            "body",
            "the body must be a JSON object of profile fields",
        ));
    };
    if patch.is_empty() {
        return Err(ApiFailure::invalid(
            "body",
            "name at least one profile field to change",
        ));
    }
    let mut client = state.db.get().await?;
    let mut otx = OrgTx::begin(&mut client, who.org_id).await?;
    let current = otx
        .tx()
        .query_opt(
            "SELECT data FROM profile WHERE org_id = $1 FOR UPDATE",
            &[&who.org_id],
        )
        .await?
        .ok_or(ApiFailure::NoProfile)?;
    let serde_json::Value::Object(mut merged) = current.get::<_, serde_json::Value>(0) else {
        return Err(ApiFailure::Conflict("the stored profile is not an object".into()));
    };
    for (k, v) in patch {
        if !merged.contains_key(&k) {
            return Err(ApiFailure::invalid(
                k.clone(),
                format!("{k:?} is not a profile field"),
            ));
        }
        merged.insert(k, v);
    }
    let profile: Profile = serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|e| ApiFailure::invalid("body", format!("the profile would not be valid: {e}")))?;
    let profile = profile.validated()?;
    // The route's extractor already required a manager token; `by` names a till's staff.
    let m = Mutation::ProfileUpdate {
        profile: Box::new(profile.clone()),
        by: None,
    };
    super::apply(&mut otx, &m).await?;
    otx.commit(state).await?;
    tracing::info!(org = %who.org_id, principal = %who.principal, "profile updated");
    Ok(profile)
}
