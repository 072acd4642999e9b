//! Tenants are enterprises: the legal unit that answers for its own compliance.

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable machine name, used in storage, URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// The kinds of enterprise Normen distinguishes when deciding what applies.
    TenantKind {
        HospitalTrust = "hospital_trust",
        Municipality = "municipality",
        GpOffice = "gp_office",
        Dentist = "dentist",
        Pharmacy = "pharmacy",
        Physiotherapist = "physiotherapist",
        OtherHealthProvider = "other_health_provider",
        Supplier = "supplier",
    }
}

string_enum! {
    /// Size by number of staff, using the EU SME classes so figures compare
    /// with NIS2's size thresholds.
    SizeClass {
        Micro = "micro",
        Small = "small",
        Medium = "medium",
        Large = "large",
    }
}

string_enum! {
    /// Facts about an enterprise that decide whether a conditional requirement
    /// applies ("uses cloud services", "runs medical devices in homes").
    Condition {
        UsesCloudServices = "uses_cloud_services",
        UsesDataProcessors = "uses_data_processors",
        ProcessesOutsideEea = "processes_outside_eea",
        MedicalDevicesInHomes = "medical_devices_in_homes",
        RunsMedicalDevices = "runs_medical_devices",
        PublicBody = "public_body",
        EssentialServiceProvider = "essential_service_provider",
        Nis2Entity = "nis2_entity",
        SharesRecordsBetweenEnterprises = "shares_records_between_enterprises",
        ConnectedToHealthNetwork = "connected_to_health_network",
        DevelopsOrTestsSoftware = "develops_or_tests_software",
        SupplierRemoteAccess = "supplier_remote_access",
        ResearchOrHealthRegisters = "research_or_health_registers",
        VideoConsultations = "video_consultations",
    }
}

impl SizeClass {
    /// The class for a head count: micro < 10, small < 50, medium < 250.
    pub fn from_staff(staff: u32) -> Self {
        match staff {
            0..=9 => SizeClass::Micro,
            10..=49 => SizeClass::Small,
            50..=249 => SizeClass::Medium,
            _ => SizeClass::Large,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_names() {
        for k in TenantKind::ALL {
            assert_eq!(TenantKind::parse(k.as_str()), Some(*k));
        }
        for s in SizeClass::ALL {
            assert_eq!(SizeClass::parse(s.as_str()), Some(*s));
        }
        assert_eq!(TenantKind::parse("hospital"), None);
    }

    #[test]
    fn size_thresholds() {
        assert_eq!(SizeClass::from_staff(0), SizeClass::Micro);
        assert_eq!(SizeClass::from_staff(9), SizeClass::Micro);
        assert_eq!(SizeClass::from_staff(10), SizeClass::Small);
        assert_eq!(SizeClass::from_staff(49), SizeClass::Small);
        assert_eq!(SizeClass::from_staff(50), SizeClass::Medium);
        assert_eq!(SizeClass::from_staff(250), SizeClass::Large);
    }
}
