//! Risk rules after Normen chapter 3 and its risk-management guide: each
//! enterprise sets its own acceptance criteria (a likelihood scale, a
//! consequence scale per dimension and a matrix that says which combinations
//! it accepts), rates each risk by its worst dimension, and may not record a
//! residual risk above the inherent one without saying why.
//!
//! Pure rules only: no storage, no pages. The texts of the levels are the
//! enterprise's own (defaults live in the locale files).

use crate::tenant::string_enum;

string_enum! {
    /// What a consequence is measured against. Patient safety comes first
    /// and breaks ties: between two equally bad dimensions, the risk is
    /// reported as a patient-safety risk.
    Dimension {
        /// Patient safety and health.
        PatientSafety = "patient_safety",
        /// The privacy of the data subjects.
        Privacy = "privacy",
        /// The enterprise: operations, reputation, finance.
        Enterprise = "enterprise",
    }
}

string_enum! {
    /// What the matrix says about one combination of likelihood and
    /// consequence, from best to worst.
    Acceptance {
        Acceptable = "acceptable",
        /// Acceptable only after considering further measures.
        Consider = "consider",
        NotAcceptable = "not_acceptable",
    }
}

string_enum! {
    /// How well the assessors know what they rated (the guide asks for it):
    /// a weak basis calls for caution even when the risk looks low.
    KnowledgeStrength {
        Strong = "strong",
        Medium = "medium",
        Weak = "weak",
    }
}

string_enum! {
    /// What the enterprise does about a risk.
    Treatment {
        /// New or strengthened measures.
        Reduce = "reduce",
        /// Management accepts the risk as it is.
        Accept = "accept",
        /// Stop or change the activity that causes it.
        Avoid = "avoid",
        /// Share it with someone else (an agreement, an insurance).
        Transfer = "transfer",
    }
}

/// The smallest and largest number of levels on a scale (3×3 to 5×5).
pub const MIN_LEVELS: u8 = 3;
pub const MAX_LEVELS: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskError {
    #[error("a scale has {0} levels; it must have 3, 4 or 5")]
    ScaleSize(u8),
    #[error(
        "the matrix has {got} cells; {likelihood} likelihood levels × {consequence} consequence levels need {want}"
    )]
    MatrixSize {
        likelihood: u8,
        consequence: u8,
        got: usize,
        want: usize,
    },
    #[error("the matrix accepts likelihood {likelihood}, consequence {consequence} less than a milder combination")]
    NotMonotone { likelihood: u8, consequence: u8 },
    #[error("the matrix accepts nothing at the lowest likelihood and consequence")]
    NothingAcceptable,
    #[error("level {level} is outside the scale 1–{levels}")]
    LevelOutOfScale { level: u8, levels: u8 },
    #[error("the residual risk is above the inherent risk; say why, or lower it")]
    ResidualAboveInherent,
    #[error("no consequence was rated")]
    NoConsequence,
}

/// The enterprise's matrix: which combinations of likelihood (rows, 1 =
/// least likely) and consequence (columns, 1 = mildest) it accepts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Matrix {
    likelihood_levels: u8,
    consequence_levels: u8,
    /// Row by row: likelihood 1 first, consequence 1 first within a row.
    cells: Vec<Acceptance>,
}

fn check_levels(n: u8) -> Result<(), RiskError> {
    if (MIN_LEVELS..=MAX_LEVELS).contains(&n) {
        Ok(())
    } else {
        Err(RiskError::ScaleSize(n))
    }
}

impl Matrix {
    /// A matrix from its cells, refused unless it is the right size, accepts
    /// the mildest combination, and never judges a combination more leniently
    /// than one that is no worse in both likelihood and consequence.
    pub fn new(likelihood_levels: u8, consequence_levels: u8, cells: Vec<Acceptance>) -> Result<Self, RiskError> {
        check_levels(likelihood_levels)?;
        check_levels(consequence_levels)?;
        let want = usize::from(likelihood_levels) * usize::from(consequence_levels);
        if cells.len() != want {
            return Err(RiskError::MatrixSize {
                likelihood: likelihood_levels,
                consequence: consequence_levels,
                got: cells.len(),
                want,
            });
        }
        let m = Matrix {
            likelihood_levels,
            consequence_levels,
            cells,
        };
        if m.cell(1, 1) != Acceptance::Acceptable {
            return Err(RiskError::NothingAcceptable);
        }
        for l in 1..=likelihood_levels {
            for c in 1..=consequence_levels {
                let here = m.cell(l, c);
                let milder = [(l.wrapping_sub(1), c), (l, c.wrapping_sub(1))];
                if milder
                    .iter()
                    .any(|&(ml, mc)| ml >= 1 && mc >= 1 && m.cell(ml, mc) > here)
                {
                    return Err(RiskError::NotMonotone {
                        likelihood: l,
                        consequence: c,
                    });
                }
            }
        }
        Ok(m)
    }

    /// The usual starting point: the product of the two levels, scaled to
    /// the matrix, is acceptable in the lower third, to be considered in the
    /// middle and not acceptable in the upper third.
    pub fn standard(likelihood_levels: u8, consequence_levels: u8) -> Result<Self, RiskError> {
        check_levels(likelihood_levels)?;
        check_levels(consequence_levels)?;
        let max = u32::from(likelihood_levels) * u32::from(consequence_levels);
        let mut cells = Vec::new();
        for l in 1..=likelihood_levels {
            for c in 1..=consequence_levels {
                // Thirds of the highest product, compared without fractions.
                let product = 3 * u32::from(l) * u32::from(c);
                cells.push(if product <= max {
                    Acceptance::Acceptable
                } else if product <= 2 * max {
                    Acceptance::Consider
                } else {
                    Acceptance::NotAcceptable
                });
            }
        }
        Matrix::new(likelihood_levels, consequence_levels, cells)
    }

    pub fn likelihood_levels(&self) -> u8 {
        self.likelihood_levels
    }

    pub fn consequence_levels(&self) -> u8 {
        self.consequence_levels
    }

    /// The verdict for a likelihood and a consequence, both from 1; levels
    /// beyond the scale count as its ends.
    pub fn cell(&self, likelihood: u8, consequence: u8) -> Acceptance {
        let l = likelihood.clamp(1, self.likelihood_levels);
        let c = consequence.clamp(1, self.consequence_levels);
        let i = usize::from(l - 1) * usize::from(self.consequence_levels) + usize::from(c - 1);
        self.cells.get(i).copied().unwrap_or(Acceptance::NotAcceptable)
    }

    /// Rates a risk: each rated dimension is placed in the matrix with the
    /// shared likelihood, and the worst one decides (patient safety first,
    /// then privacy, then the enterprise, among equals).
    pub fn rate(&self, likelihood: u8, consequences: &[(Dimension, u8)]) -> Result<Rating, RiskError> {
        self.in_scale(likelihood, self.likelihood_levels)?;
        let mut worst: Option<Rating> = None;
        for &(dimension, consequence) in consequences {
            self.in_scale(consequence, self.consequence_levels)?;
            let rating = Rating {
                dimension,
                likelihood,
                consequence,
                acceptance: self.cell(likelihood, consequence),
            };
            worst = Some(match worst {
                Some(w) if w.rank() >= rating.rank() => w,
                _ => rating,
            });
        }
        worst.ok_or(RiskError::NoConsequence)
    }

    fn in_scale(&self, level: u8, levels: u8) -> Result<(), RiskError> {
        if (1..=levels).contains(&level) {
            Ok(())
        } else {
            Err(RiskError::LevelOutOfScale { level, levels })
        }
    }
}

/// A rated risk: the dimension that decided it and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rating {
    pub dimension: Dimension,
    pub likelihood: u8,
    pub consequence: u8,
    pub acceptance: Acceptance,
}

impl Rating {
    /// Orders ratings from least to most serious: the verdict, then the
    /// consequence, then the likelihood, then the dimension (patient safety
    /// ranks highest among otherwise equal ratings).
    fn rank(&self) -> (Acceptance, u8, u8, std::cmp::Reverse<Dimension>) {
        (
            self.acceptance,
            self.consequence,
            self.likelihood,
            std::cmp::Reverse(self.dimension),
        )
    }

    /// At least as serious as `other`.
    pub fn at_least(&self, other: &Rating) -> bool {
        self.rank() >= other.rank()
    }
}

/// Checks a residual risk against the inherent one: treatment may lower a
/// risk or leave it, never raise it, unless the assessors say why (a
/// measure with a side effect, a new finding); then `explained` is set.
/// Raised means a worse verdict, or a higher likelihood or consequence with
/// neither lower (trading a lower likelihood for a higher consequence under
/// the same verdict is not a raise).
pub fn check_residual(inherent: &Rating, residual: &Rating, explained: bool) -> Result<(), RiskError> {
    let worse_verdict = residual.acceptance > inherent.acceptance;
    let no_lower = residual.likelihood >= inherent.likelihood && residual.consequence >= inherent.consequence;
    let some_higher = residual.likelihood > inherent.likelihood || residual.consequence > inherent.consequence;
    let raised = worse_verdict || (no_lower && some_higher);
    if raised && !explained {
        Err(RiskError::ResidualAboveInherent)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Acceptance::*;

    #[test]
    fn the_standard_5x5_matrix_has_three_bands() {
        let m = Matrix::standard(5, 5).expect("5×5");
        assert_eq!(m.cell(1, 1), Acceptable);
        assert_eq!(m.cell(2, 4), Acceptable, "8 of 25 is in the lower third");
        assert_eq!(m.cell(3, 3), Consider);
        assert_eq!(m.cell(4, 5), NotAcceptable);
        assert_eq!(m.cell(5, 5), NotAcceptable);
    }

    #[test]
    fn matrices_outside_3_to_5_or_of_the_wrong_size_are_refused() {
        assert_eq!(Matrix::standard(2, 5), Err(RiskError::ScaleSize(2)));
        assert_eq!(Matrix::standard(3, 6), Err(RiskError::ScaleSize(6)));
        assert!(matches!(
            Matrix::new(3, 3, vec![Acceptable; 8]),
            Err(RiskError::MatrixSize { want: 9, .. })
        ));
        assert_eq!(Matrix::new(3, 3, vec![Consider; 9]), Err(RiskError::NothingAcceptable));
    }

    #[test]
    fn a_matrix_that_accepts_a_worse_combination_than_a_milder_one_is_refused() {
        let mut cells = vec![Acceptable; 9];
        cells[1] = NotAcceptable; // likelihood 1, consequence 2
        assert_eq!(
            Matrix::new(3, 3, cells),
            Err(RiskError::NotMonotone {
                likelihood: 1,
                consequence: 3
            })
        );
    }

    #[test]
    fn the_worst_dimension_decides_and_patient_safety_breaks_ties() {
        let m = Matrix::standard(5, 5).expect("5×5");
        let r = m
            .rate(3, &[(Dimension::Enterprise, 4), (Dimension::Privacy, 2)])
            .expect("rated");
        assert_eq!((r.dimension, r.acceptance), (Dimension::Enterprise, Consider));
        let r = m
            .rate(4, &[(Dimension::Privacy, 2), (Dimension::Enterprise, 5)])
            .expect("rated");
        assert_eq!((r.dimension, r.acceptance), (Dimension::Enterprise, NotAcceptable));
        let tie = m
            .rate(
                3,
                &[
                    (Dimension::Enterprise, 3),
                    (Dimension::PatientSafety, 3),
                    (Dimension::Privacy, 3),
                ],
            )
            .expect("rated");
        assert_eq!(tie.dimension, Dimension::PatientSafety);
        assert_eq!(m.rate(3, &[]), Err(RiskError::NoConsequence));
        assert_eq!(
            m.rate(6, &[(Dimension::Privacy, 1)]),
            Err(RiskError::LevelOutOfScale { level: 6, levels: 5 })
        );
    }

    #[test]
    fn a_residual_risk_above_the_inherent_needs_a_reason() {
        let m = Matrix::standard(4, 4).expect("4×4");
        let inherent = m.rate(3, &[(Dimension::PatientSafety, 3)]).expect("rated");
        let lower = m.rate(1, &[(Dimension::PatientSafety, 3)]).expect("rated");
        let higher = m.rate(4, &[(Dimension::PatientSafety, 4)]).expect("rated");
        assert_eq!(check_residual(&inherent, &lower, false), Ok(()));
        assert_eq!(check_residual(&inherent, &inherent, false), Ok(()));
        assert_eq!(
            check_residual(&inherent, &higher, false),
            Err(RiskError::ResidualAboveInherent)
        );
        assert_eq!(check_residual(&inherent, &higher, true), Ok(()));
        // Same verdict, likelihood traded for consequence: not a raise.
        let traded = m.rate(1, &[(Dimension::PatientSafety, 4)]).expect("rated");
        assert_eq!(traded.acceptance, inherent.acceptance.min(traded.acceptance));
        assert_eq!(check_residual(&inherent, &traded, false), Ok(()));
    }

    fn size() -> impl Strategy<Value = u8> {
        MIN_LEVELS..=MAX_LEVELS
    }

    proptest! {
        /// Every standard matrix is valid, and the verdict never improves
        /// when likelihood or consequence rises.
        #[test]
        fn verdicts_are_monotone_in_likelihood_and_consequence(
            ls in size(), cs in size(), l in 1u8..=5, c in 1u8..=5,
        ) {
            let m = Matrix::standard(ls, cs).expect("valid");
            let here = m.cell(l, c);
            prop_assert!(m.cell(l.saturating_add(1), c) >= here);
            prop_assert!(m.cell(l, c.saturating_add(1)) >= here);
        }

        /// A rating is at least as serious as the rating of each of its
        /// dimensions alone, and adding a dimension never makes it milder.
        #[test]
        fn the_rating_is_the_worst_of_its_dimensions(
            l in 1u8..=5,
            ps in 1u8..=5, pr in 1u8..=5, en in 1u8..=5,
        ) {
            let m = Matrix::standard(5, 5).expect("5×5");
            let all = [(Dimension::PatientSafety, ps), (Dimension::Privacy, pr), (Dimension::Enterprise, en)];
            let overall = m.rate(l, &all).expect("rated");
            for one in all {
                let alone = m.rate(l, &[one]).expect("rated");
                prop_assert!(overall.at_least(&alone));
            }
            let two = m.rate(l, &all[..2]).expect("rated");
            prop_assert!(overall.at_least(&two));
        }

        /// Treatment never raises the residual risk above the inherent one
        /// unless the raise is explained.
        #[test]
        fn an_unexplained_residual_is_never_above_the_inherent(
            l1 in 1u8..=5, c1 in 1u8..=5, l2 in 1u8..=5, c2 in 1u8..=5,
        ) {
            let m = Matrix::standard(5, 5).expect("5×5");
            let inherent = m.rate(l1, &[(Dimension::Privacy, c1)]).expect("rated");
            let residual = m.rate(l2, &[(Dimension::Privacy, c2)]).expect("rated");
            if check_residual(&inherent, &residual, false).is_ok() {
                prop_assert!(residual.acceptance <= inherent.acceptance);
                prop_assert!(!(l2 >= l1 && c2 >= c1 && (l2 > l1 || c2 > c1)));
            }
            prop_assert!(check_residual(&inherent, &residual, true).is_ok());
        }
    }
}
