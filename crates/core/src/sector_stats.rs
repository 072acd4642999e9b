//! Anonymous sector statistics with small-cell suppression.
//!
//! The secretariat sees compliance across all enterprises that opted in, as
//! one table: enterprise kind (rows) × size class (columns), each with its
//! total, so `(kinds + 1) × (sizes + 1)` cells. A cell shows how many
//! enterprises it holds and their mean score; it is *suppressed* (shows
//! neither) when it rests on fewer than `k` enterprises.
//!
//! Primary suppression alone is not enough: a row total minus the other
//! cells of the row gives the hidden one back. So the table is protected
//! as a whole. Every row and column of the table is an additive relation
//! (the cells sum to the total), both for the counts and for the sums of
//! scores. With the published cells known, the hidden ones are the unknowns
//! of a linear system; in the graph whose vertices are the rows and columns
//! and whose edges are the hidden cells, a hidden cell's value follows from
//! the published ones exactly when its edge lies on no cycle (a bridge: it is
//! then in the cut space of the incidence matrix). So after primary
//! suppression we suppress more cells (complementary suppression) until no
//! hidden cell is a bridge, each time completing a rectangle — a 4-cycle —
//! through it at the least cost (fewest new cells, then fewest enterprises).
//! Views that filter by kind or size show parts of this one table and never
//! compute a separate one, so a filter cannot open a new difference.
//! Empty cells (no enterprise) are published as empty: non-negativity makes
//! them known anyway, so hiding them would protect nothing.

use crate::tenant::{SizeClass, TenantKind};

/// The smallest `k` the product allows, whatever the configuration says.
pub const K_MIN: u32 = 3;
/// The largest `k` the product allows: a higher one would hide every cell
/// of any table the sector can produce.
pub const K_MAX: u32 = 100;
/// The default `k`.
pub const K_DEFAULT: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the threshold k must be from {K_MIN} to {K_MAX} (got {0})")]
pub struct KOutOfRange(pub u32);

/// Checks a configured threshold.
pub fn check_k(k: u32) -> Result<u32, KOutOfRange> {
    if (K_MIN..=K_MAX).contains(&k) {
        Ok(k)
    } else {
        Err(KOutOfRange(k))
    }
}

/// One enterprise's score in one measure (0–100).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    pub kind: TenantKind,
    pub size: SizeClass,
    pub score: f64,
}

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// Fewer than k enterprises.
    TooFew,
    /// Hidden so that a small cell cannot be recovered by subtraction.
    Complementary,
}

/// One published or hidden cell.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Cell {
    /// Enterprises in the cell; `None` when hidden.
    pub enterprises: Option<u32>,
    /// Mean score, rounded to one decimal; `None` when hidden or empty.
    pub mean: Option<f64>,
    pub hidden: Option<Hidden>,
}

/// The protected table. `cells[r][c]`: rows are `TenantKind::ALL` then the
/// total, columns `SizeClass::ALL` then the total.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Table {
    pub k: u32,
    pub cells: Vec<Vec<Cell>>,
}

impl Table {
    pub fn rows() -> usize {
        TenantKind::ALL.len() + 1
    }

    pub fn cols() -> usize {
        SizeClass::ALL.len() + 1
    }

    /// The cell of a kind (or the total, `None`) and a size (or the total).
    pub fn cell(&self, kind: Option<TenantKind>, size: Option<SizeClass>) -> &Cell {
        let r = kind.map_or(Self::rows() - 1, |k| {
            TenantKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
        });
        let c = size.map_or(Self::cols() - 1, |s| {
            SizeClass::ALL.iter().position(|x| *x == s).unwrap_or(0)
        });
        &self.cells[r][c]
    }
}

/// Counts and sums per cell of the augmented table.
fn totals(contributions: &[Contribution]) -> (Vec<Vec<u32>>, Vec<Vec<f64>>) {
    let (rows, cols) = (Table::rows(), Table::cols());
    let mut n = vec![vec![0u32; cols]; rows];
    let mut sum = vec![vec![0f64; cols]; rows];
    for c in contributions {
        let r = TenantKind::ALL.iter().position(|x| *x == c.kind).unwrap_or(0);
        let s = SizeClass::ALL.iter().position(|x| *x == c.size).unwrap_or(0);
        for (ri, ci) in [(r, s), (r, cols - 1), (rows - 1, s), (rows - 1, cols - 1)] {
            n[ri][ci] += 1;
            sum[ri][ci] += c.score.clamp(0.0, 100.0);
        }
    }
    (n, sum)
}

/// Builds the protected table for `k` (callers check `k` with [`check_k`];
/// a smaller one is raised to [`K_MIN`]).
pub fn tabulate(contributions: &[Contribution], k: u32) -> Table {
    let k = k.max(K_MIN);
    let (n, sum) = totals(contributions);
    let hidden = suppress(&n, k);
    let cells = n
        .iter()
        .zip(&sum)
        .zip(&hidden)
        .map(|((n_row, sum_row), hidden_row)| {
            n_row
                .iter()
                .zip(sum_row)
                .zip(hidden_row)
                .map(|((&n, &s), &h)| match h {
                    Some(h) => Cell {
                        enterprises: None,
                        mean: None,
                        hidden: Some(h),
                    },
                    None => Cell {
                        enterprises: Some(n),
                        mean: (n > 0).then(|| (s / f64::from(n) * 10.0).round() / 10.0),
                        hidden: None,
                    },
                })
                .collect()
        })
        .collect();
    Table { k, cells }
}

/// Which cells of the augmented count table `n` to hide for threshold `k`.
pub fn suppress(n: &[Vec<u32>], k: u32) -> Vec<Vec<Option<Hidden>>> {
    let rows = n.len();
    let cols = n.first().map_or(0, Vec::len);
    let mut hidden: Vec<Vec<Option<Hidden>>> = n
        .iter()
        .map(|row| {
            row.iter()
                .map(|&v| (v > 0 && v < k).then_some(Hidden::TooFew))
                .collect()
        })
        .collect();
    if rows < 2 || cols < 2 {
        return hidden;
    }
    // Each round protects one exposed cell; at most every cell gets hidden.
    for _ in 0..rows * cols {
        let Some((r, c)) = first_bridge(&hidden) else {
            break;
        };
        match cheapest_rectangle(n, &hidden, r, c) {
            Some((r2, c2)) => {
                for (ri, ci) in [(r, c2), (r2, c), (r2, c2)] {
                    if hidden[ri][ci].is_none() {
                        hidden[ri][ci] = Some(Hidden::Complementary);
                    }
                }
            }
            None => {
                // No rectangle of non-empty cells: hide every non-empty cell.
                for (ri, row) in n.iter().enumerate() {
                    for (ci, &v) in row.iter().enumerate() {
                        if v > 0 && hidden[ri][ci].is_none() {
                            hidden[ri][ci] = Some(Hidden::Complementary);
                        }
                    }
                }
                break;
            }
        }
    }
    hidden
}

/// The first hidden cell (row-major) whose edge is a bridge of the graph of
/// hidden cells (rows and columns as vertices).
fn first_bridge(hidden: &[Vec<Option<Hidden>>]) -> Option<(usize, usize)> {
    let rows = hidden.len();
    let cols = hidden.first().map_or(0, Vec::len);
    for r in 0..rows {
        for c in 0..cols {
            if hidden[r][c].is_some() && !connected_without(hidden, r, c) {
                return Some((r, c));
            }
        }
    }
    None
}

/// Whether row `r` and column `c` stay connected through other hidden cells.
fn connected_without(hidden: &[Vec<Option<Hidden>>], r: usize, c: usize) -> bool {
    let rows = hidden.len();
    let cols = hidden.first().map_or(0, Vec::len);
    // Vertices: rows 0..rows, columns rows..rows+cols.
    let mut seen = vec![false; rows + cols];
    let mut stack = vec![r];
    seen[r] = true;
    while let Some(v) = stack.pop() {
        if v == rows + c {
            return true;
        }
        let next: Vec<usize> = if v < rows {
            (0..cols)
                .filter(|&ci| hidden[v][ci].is_some() && !(v == r && ci == c))
                .map(|ci| rows + ci)
                .collect()
        } else {
            let ci = v - rows;
            (0..rows)
                .filter(|&ri| hidden[ri][ci].is_some() && !(ri == r && ci == c))
                .collect()
        };
        for w in next {
            if !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    false
}

/// The other corner `(r2, c2)` of the cheapest rectangle through `(r, c)`
/// whose new cells are all non-empty.
fn cheapest_rectangle(n: &[Vec<u32>], hidden: &[Vec<Option<Hidden>>], r: usize, c: usize) -> Option<(usize, usize)> {
    let rows = n.len();
    let cols = n.first().map_or(0, Vec::len);
    let mut best: Option<((usize, u64), (usize, usize))> = None;
    for r2 in (0..rows).filter(|&x| x != r) {
        for c2 in (0..cols).filter(|&x| x != c) {
            let corners = [(r, c2), (r2, c), (r2, c2)];
            if corners
                .iter()
                .any(|&(ri, ci)| n[ri][ci] == 0 && hidden[ri][ci].is_none())
            {
                continue;
            }
            let new: Vec<(usize, usize)> = corners
                .into_iter()
                .filter(|&(ri, ci)| hidden[ri][ci].is_none())
                .collect();
            let cost = (new.len(), new.iter().map(|&(ri, ci)| u64::from(n[ri][ci])).sum::<u64>());
            if best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, (r2, c2)));
            }
        }
    }
    best.map(|(_, corner)| corner)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent check: can a hidden cell's count be computed exactly
    /// from the published counts? Gaussian elimination on the additive
    /// relations (every row and column sums to its total), unknowns are the
    /// hidden cells; a cell is exposed when its unit vector lies in the row
    /// space of the relations restricted to the unknowns.
    pub fn exposed_cells(hidden: &[Vec<bool>]) -> Vec<(usize, usize)> {
        let rows = hidden.len();
        let cols = hidden[0].len();
        let unknowns: Vec<(usize, usize)> = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| hidden[r][c])
            .collect();
        // One equation per row and per column of the augmented table: the
        // cells minus the total; coefficient -1 for the total cell.
        let mut eqs: Vec<Vec<f64>> = Vec::new();
        for r in 0..rows {
            eqs.push(
                unknowns
                    .iter()
                    .map(|&(ur, uc)| {
                        if ur != r {
                            0.0
                        } else if uc == cols - 1 {
                            -1.0
                        } else {
                            1.0
                        }
                    })
                    .collect(),
            );
        }
        for c in 0..cols {
            eqs.push(
                unknowns
                    .iter()
                    .map(|&(ur, uc)| {
                        if uc != c {
                            0.0
                        } else if ur == rows - 1 {
                            -1.0
                        } else {
                            1.0
                        }
                    })
                    .collect(),
            );
        }
        let base = rank(eqs.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|&(i, _)| {
                let mut with = eqs.clone();
                let mut unit = vec![0.0; unknowns.len()];
                unit[i] = 1.0;
                with.push(unit);
                rank(with) == base
            })
            .map(|(_, &cell)| cell)
            .collect()
    }

    fn rank(mut m: Vec<Vec<f64>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..cols {
            let Some(p) = (rank..m.len()).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs())) else {
                break;
            };
            if m[p][col].abs() < 1e-9 {
                continue;
            }
            m.swap(rank, p);
            let pivot = m[rank].clone();
            for (i, row) in m.iter_mut().enumerate() {
                if i != rank {
                    let f = row[col] / pivot[col];
                    if f != 0.0 {
                        for (x, p) in row.iter_mut().zip(&pivot) {
                            *x -= f * p;
                        }
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    fn mask(t: &Table) -> Vec<Vec<bool>> {
        t.cells
            .iter()
            .map(|r| r.iter().map(|c| c.hidden.is_some()).collect())
            .collect()
    }

    fn firms(kind: TenantKind, size: SizeClass, scores: &[f64]) -> Vec<Contribution> {
        scores.iter().map(|&score| Contribution { kind, size, score }).collect()
    }

    #[test]
    fn four_are_hidden_five_are_shown_and_the_difference_is_protected() {
        let mut c = firms(TenantKind::GpOffice, SizeClass::Micro, &[10.0, 20.0, 30.0, 40.0, 50.0]);
        c.extend(firms(TenantKind::Dentist, SizeClass::Micro, &[90.0, 80.0, 70.0, 60.0]));
        let t = tabulate(&c, 5);
        let gp = t.cell(Some(TenantKind::GpOffice), Some(SizeClass::Micro));
        let dentist = t.cell(Some(TenantKind::Dentist), Some(SizeClass::Micro));
        assert_eq!(dentist.hidden, Some(Hidden::TooFew));
        assert_eq!(dentist.mean, None);
        // Total (9) minus GP offices (5) would give the dentists back: so
        // either the GP cells or the totals must be hidden too.
        let total = t.cell(None, None);
        let gp_all = t.cell(Some(TenantKind::GpOffice), None);
        assert!(gp.hidden.is_some() || total.hidden.is_some());
        assert!(gp_all.hidden.is_some() || t.cell(None, Some(SizeClass::Micro)).hidden.is_some());
        assert!(exposed_cells(&mask(&t)).is_empty());
    }

    #[test]
    fn large_cells_are_shown_with_their_mean() {
        let mut c = firms(TenantKind::GpOffice, SizeClass::Micro, &[10.0, 20.0, 30.0, 40.0, 50.0]);
        c.extend(firms(TenantKind::Dentist, SizeClass::Small, &[90.0; 6]));
        let t = tabulate(&c, 5);
        let gp = t.cell(Some(TenantKind::GpOffice), Some(SizeClass::Micro));
        assert_eq!((gp.enterprises, gp.mean, gp.hidden), (Some(5), Some(30.0), None));
        let total = t.cell(None, None);
        assert_eq!(total.enterprises, Some(11));
        assert!(exposed_cells(&mask(&t)).is_empty());
        // Empty cells are published as empty.
        let empty = t.cell(Some(TenantKind::Pharmacy), Some(SizeClass::Large));
        assert_eq!((empty.enterprises, empty.mean), (Some(0), None));
    }

    #[test]
    fn k_below_three_is_refused() {
        assert_eq!(check_k(2), Err(KOutOfRange(2)));
        assert_eq!(check_k(3), Ok(3));
        assert_eq!(check_k(K_MAX), Ok(K_MAX));
        assert_eq!(check_k(K_MAX + 1), Err(KOutOfRange(K_MAX + 1)));
        assert_eq!(check_k(u32::MAX), Err(KOutOfRange(u32::MAX)));
        // tabulate raises it anyway.
        let c = firms(TenantKind::GpOffice, SizeClass::Micro, &[1.0, 2.0]);
        assert!(tabulate(&c, 1).cell(None, None).hidden.is_some());
    }

    #[test]
    fn the_checker_finds_a_lone_hidden_cell() {
        // Sanity of the independent checker: one hidden inner cell is exposed.
        let mut m = vec![vec![false; Table::cols()]; Table::rows()];
        m[0][0] = true;
        assert_eq!(exposed_cells(&m), vec![(0, 0)]);
        m[0][1] = true;
        m[1][0] = true;
        m[1][1] = true;
        assert!(exposed_cells(&m).is_empty());
    }

    fn arb_contributions() -> impl Strategy<Value = Vec<Contribution>> {
        proptest::collection::vec(
            (0..3usize, 0..3usize, 0.0f64..100.0).prop_map(|(k, s, score)| Contribution {
                kind: TenantKind::ALL[k],
                size: SizeClass::ALL[s],
                score,
            }),
            0..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn no_published_small_cell_and_no_hidden_cell_recoverable(c in arb_contributions(), k in 3u32..7) {
            let t = tabulate(&c, k);
            for row in &t.cells {
                for cell in row {
                    if let Some(n) = cell.enterprises {
                        prop_assert!(n == 0 || n >= k, "published {n} < {k}");
                    }
                }
            }
            prop_assert!(exposed_cells(&mask(&t)).is_empty());
        }
    }
}
