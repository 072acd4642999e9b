//! Demo data for `etterlev serve --demo`: two enterprises and one user per
//! role, with a published password and TOTP secret, and the catalogues of
//! the repository's `catalog/` folder. Never used without `--demo`, so no
//! known password exists in a normal installation.

use std::path::{Path, PathBuf};

use etterlev_core::{OrgNumber, Role, SizeClass, TenantKind};
use etterlev_store::{Actor, ImportSummary, NewTenant, NewUser, Store, StoreError};

/// The demo password of every demo user.
pub const PASSWORD: &str = "Demo-passord-2026";
/// The demo administrator's TOTP secret (base32), for an authenticator app.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const ADMIN_EMAIL: &str = "admin@demo.etterlev.no";

/// Organisation numbers starting with 3 are not issued in the production
/// register, so these cannot clash with a real enterprise.
const GP_ORG: &str = "311000004";
const HOSPITAL_ORG: &str = "312000008";

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub totp: bool,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        email: ADMIN_EMAIL,
        name: "Ada Administrator",
        role: Role::Admin,
        totp: true,
    },
    DemoUser {
        email: "redaktor@demo.etterlev.no",
        name: "Erik Redaktør",
        role: Role::Editor,
        totp: false,
    },
    DemoUser {
        email: "leser@demo.etterlev.no",
        name: "Lise Leser",
        role: Role::Reader,
        totp: false,
    },
    DemoUser {
        email: "revisor@demo.etterlev.no",
        name: "Rune Revisor",
        role: Role::Auditor,
        totp: false,
    },
];

/// Creates the demo data unless it exists, and imports the catalogues (see
/// [`seed_catalogs`]). Returns true if the enterprises and users were created.
pub async fn seed(store: &Store) -> Result<bool, StoreError> {
    let created = seed_people(store).await?;
    seed_catalogs(store, &catalog_dir()).await;
    Ok(created)
}

/// Where the demo finds catalogues: `ETTERLEV_CATALOG_DIR`, else the
/// repository's `catalog/` folder as it was when the binary was built.
pub fn catalog_dir() -> PathBuf {
    std::env::var_os("ETTERLEV_CATALOG_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"))
}

/// Imports every catalogue and mapping under `dir` (already imported
/// versions are left alone). Never fails the demo: a folder that is missing
/// or does not load is logged with its diagnostics, and the demo goes on
/// without catalogues.
pub async fn seed_catalogs(store: &Store, dir: &Path) -> Option<ImportSummary> {
    if !dir.is_dir() {
        tracing::info!(dir = %dir.display(), "no catalogue folder; the demo starts without catalogues");
        return None;
    }
    let path = dir.to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || etterlev_catalog::load_path(&path)).await;
    let set = match loaded {
        Ok(Ok(set)) => set,
        Ok(Err(diagnostics)) => {
            for d in &diagnostics {
                tracing::warn!("{d}");
            }
            tracing::warn!(
                dir = %dir.display(),
                problems = diagnostics.len(),
                "the catalogue folder does not load; the demo starts without catalogues"
            );
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "loading the catalogue folder failed");
            return None;
        }
    };
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    match store.import_catalog_set_as(&set, &actor, false).await {
        Ok(summary) => {
            tracing::info!(
                added = summary.added.len(),
                unchanged = summary.unchanged.len(),
                mappings = summary.mappings,
                "demo catalogues imported"
            );
            Some(summary)
        }
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "demo catalogues not imported");
            None
        }
    }
}

/// The demo enterprises and users only (what the test harness uses).
pub async fn seed_people(store: &Store) -> Result<bool, StoreError> {
    let gp_org = OrgNumber::parse(GP_ORG).map_err(|e| StoreError::Invalid(e.to_string()))?;
    if store.tenant_by_org(&gp_org).await?.is_some() {
        return Ok(false);
    }
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let gp = store
        .create_tenant(
            &actor,
            &NewTenant {
                name: "Solbakken legekontor".into(),
                org_number: gp_org,
                kind: TenantKind::GpOffice,
                size_class: SizeClass::Micro,
            },
        )
        .await?;
    let hospital = store
        .create_tenant(
            &actor,
            &NewTenant {
                name: "Fjordheim helseforetak".into(),
                org_number: OrgNumber::parse(HOSPITAL_ORG).map_err(|e| StoreError::Invalid(e.to_string()))?,
                kind: TenantKind::HospitalTrust,
                size_class: SizeClass::Large,
            },
        )
        .await?;
    for u in USERS {
        let user = store
            .create_user(
                &actor,
                &NewUser {
                    email: u.email.into(),
                    display_name: u.name.into(),
                    password_hash: Some(hash.clone()),
                    is_secretariat: false,
                },
            )
            .await?;
        store.add_membership(&actor, &gp.id, &user.id, u.role).await?;
        if u.role == Role::Admin {
            store
                .add_membership(&actor, &hospital.id, &user.id, Role::Admin)
                .await?;
        }
        if u.totp {
            let codes: Vec<String> = etterlev_auth::new_recovery_codes()
                .iter()
                .map(|c| etterlev_auth::token::hash_recovery_code(c))
                .collect();
            store.enable_totp(&actor, &user.id, TOTP_SECRET, 0, &codes).await?;
        }
    }
    Ok(true)
}

/// The lines printed at start-up so a person can sign in.
pub fn banner(base: &url::Url) -> String {
    let mut s = format!("\nDemo mode: sign in at {base}login\n  password for every demo user: {PASSWORD}\n");
    for u in USERS {
        s.push_str(&format!(
            "  {:<28} {:<10}{}\n",
            u.email,
            u.role.as_str(),
            if u.totp { "  (TOTP, see below)" } else { "" }
        ));
    }
    s.push_str(&format!(
        "  TOTP secret of {ADMIN_EMAIL}: {TOTP_SECRET}\n  (add it to an authenticator app, or run `etterlev demo-code` for the current code)\n"
    ));
    s
}
