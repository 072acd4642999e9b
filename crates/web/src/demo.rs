//! Demo data for `etterlev serve --demo`: two enterprises and one user per
//! role, with a published password and TOTP secret. Never used without
//! `--demo`, so no known password exists in a normal installation.

use etterlev_core::{OrgNumber, Role, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, NewUser, Store, StoreError};

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

/// Creates the demo data unless it exists. Returns true if it was created.
pub async fn seed(store: &Store) -> Result<bool, StoreError> {
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
