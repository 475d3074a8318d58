//! Profile and menu.

use std::sync::Arc;

use pos_core::{MenuItem, Money, Profile, ProfileLite, Sku};
use pos_protocol::Mutation;
use pos_store::catalog;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, Result};

/// Most items one import may carry.
pub const MAX_IMPORT_ITEMS: usize = 50_000;

/// A menu item as typed or imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuItemInput {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub price: Money,
    pub tax_class: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl App {
    /// The business profile.
    #[tracing::instrument(skip_all, err)]
    pub fn profile(&self) -> Result<Arc<Profile>> {
        self.caches.profile.get_or_load(&(), || {
            self.store
                .read(|c| Ok::<_, AppError>(catalog::profile(c)?))?
                .map(|(p, _)| p)
                .ok_or_else(|| AppError::not_found("this till has no business profile yet"))
        })
    }

    /// The few profile fields hot paths need.
    #[tracing::instrument(skip_all, err)]
    pub fn profile_lite(&self) -> Result<Arc<ProfileLite>> {
        self.caches
            .profile_lite
            .get_or_load(&(), || Ok(self.profile()?.lite()))
    }

    /// Replaces the profile after validating every field. A member of staff must be an
    /// active manager (as stored now); the outbox row names them so the server can check
    /// it too. [`Actor::System`] (the demo loader, tests) is recorded as nobody.
    #[tracing::instrument(skip_all, err)]
    pub fn update_profile(&self, actor: Actor<'_>, profile: Profile) -> Result<Arc<Profile>> {
        let profile = profile.validated()?;
        self.write(|w| {
            crate::usecases::staff::require_manager(w.tx(), actor)?;
            w.apply(Mutation::ProfileUpdate {
                profile: Box::new(profile.clone()),
                by: actor.staff_id(),
            })?;
            Ok(())
        })?;
        self.profile()
    }

    /// The menu by category and name.
    #[tracing::instrument(skip_all, err)]
    pub fn list_menu(&self, include_inactive: bool) -> Result<Vec<MenuItem>> {
        self.store.read(|c| Ok(catalog::menu(c, include_inactive)?))
    }

    /// Adds or replaces menu items, all or none: the first bad row is reported with its
    /// number and nothing is written.
    #[tracing::instrument(skip_all, fields(items = items.len()), err)]
    pub fn import_menu(&self, items: Vec<MenuItemInput>) -> Result<usize> {
        if items.is_empty() {
            return Err(AppError::validation("items", "the import has no items"));
        }
        if items.len() > MAX_IMPORT_ITEMS {
            return Err(AppError::validation(
                "items",
                format!("at most {MAX_IMPORT_ITEMS} items per import"),
            ));
        }
        let profile = self.require_profile()?;
        let mut parsed = Vec::with_capacity(items.len());
        let mut seen = std::collections::HashSet::new();
        for (i, it) in items.into_iter().enumerate() {
            let row = |e: pos_core::DomainError| {
                let mut err = AppError::from(e);
                err.message = format!("item {}: {}", i + 1, err.message);
                err
            };
            let sku = Sku::parse(&it.sku).map_err(row)?;
            if !seen.insert(sku.clone()) {
                return Err(AppError::validation(
                    "sku",
                    format!("item {}: SKU {sku} appears twice", i + 1),
                ));
            }
            let item = MenuItem {
                sku,
                name: it.name,
                category: it.category,
                price: it.price,
                tax_class: it.tax_class,
                active: it.active,
            }
            .validated(&profile)
            .map_err(row)?;
            parsed.push(item);
        }
        let n = parsed.len();
        self.write(|w| {
            w.apply(Mutation::MenuUpsert { items: parsed })?;
            Ok(())
        })?;
        Ok(n)
    }
}
