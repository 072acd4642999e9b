//! Roles within a tenant and what each may do.

use crate::tenant::string_enum;

string_enum! {
    /// A user's role in one tenant (a membership).
    Role {
        Admin = "admin",
        Editor = "editor",
        Reader = "reader",
        Auditor = "auditor",
    }
}

/// Things a member may try to do inside a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the tenant's compliance data.
    Read,
    /// Change the tenant's compliance data.
    Edit,
    /// Add, change and remove members.
    ManageMembers,
    /// Read the tenant's audit log.
    ReadAuditLog,
}

impl Role {
    /// The single place that says which role may do what.
    /// The auditor is read-only but may read the audit log; a reader may not.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(permission, Read | Edit),
            Role::Reader => matches!(permission, Read),
            Role::Auditor => matches!(permission, Read | ReadAuditLog),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_table() {
        use Permission::*;
        let table = [
            (Role::Admin, [true, true, true, true]),
            (Role::Editor, [true, true, false, false]),
            (Role::Reader, [true, false, false, false]),
            (Role::Auditor, [true, false, false, true]),
        ];
        for (role, expected) in table {
            let got = [Read, Edit, ManageMembers, ReadAuditLog].map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
    }
}
