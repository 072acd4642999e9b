//! A data-flow picture: information systems as boxes in columns, left to
//! right (a small Sugiyama-style layout), and the integrations between them
//! as curves with arrow heads and labels, in one server-rendered `<svg>`.
//! Copies are dashed in a warning colour, systems with health data have a
//! stronger border and fill, and a legend says so. Accessible like
//! [`crate::charts`]; no scripts; every text escaped; links only to
//! http(s), mailto and relative addresses; a black-and-white print style;
//! the same output for the same graph, in whatever input order.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A system: `label` is its name, `sublabel` a second line (such as where
/// it is hosted), `emphasis` that it holds health data, `href` a link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowNode {
    pub id: String,
    pub label: String,
    pub sublabel: Option<String>,
    pub emphasis: bool,
    pub href: Option<String>,
}

/// An integration: `label` is short (protocol or data); `both_ways` puts
/// arrow heads at both ends; `copy` means it carries a copy of information
/// whose authoritative source is elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowEdge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub both_ways: bool,
    pub copy: bool,
}

/// The picture. Edges naming an unknown node, and self-loops, are left
/// out; of nodes sharing an id the first is drawn. The legend explains
/// `copy` edges and `emphasis` nodes with the two legend texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowGraph {
    pub title: String,
    pub description: String,
    pub nodes: Vec<FlowNode>,
    pub edges: Vec<FlowEdge>,
    pub copy_legend: String,
    pub emphasis_legend: String,
}

const FONT: &str = "'Source Sans 3', 'Segoe UI', Calibri, Arial, sans-serif";
const TEXT: &str = "#222222";
const MUTED: &str = "#595959";
const LINE: &str = "#4D4D4D";
const BORDER: &str = "#767676";
/// Okabe–Ito vermillion: copies. Okabe–Ito blue and a tint: health data.
const WARN: &str = "#D55E00";
const EMPH_STROKE: &str = "#0072B2";
const EMPH_FILL: &str = "#DCEBF7";
const NODE_W: f64 = 184.0;
const NODE_H: f64 = 46.0;
/// Between columns (where the edge labels go), and between isolated boxes.
const GAP_X: f64 = 150.0;
const ISO_GAP: f64 = 16.0;
const MARGIN: f64 = 16.0;
const LEGEND_ROW: f64 = 22.0;
/// Characters shown before a text is cut with "…".
const LABEL_CHARS: usize = 21;
const SUB_CHARS: usize = 28;
const EDGE_CHARS: usize = 22;
const LEGEND_CHARS: usize = 100;
/// Crossing-reduction sweeps (each O(E log E)); placement takes half.
const SWEEPS: usize = 8;
/// The element id until its hash is known: no cleaned text contains it.
const ID: char = '\u{1}';

/// The picture as one `<svg>` element, with width, height and viewBox.
pub fn dataflow_svg(g: &FlowGraph) -> String {
    let (nodes, edges) = prepare(g);
    let n = nodes.len();
    let (dag, reversed, layer) = layering(n, &edges);
    let mut lay = Layered::new(&layer, &dag);
    lay.order();
    let legend = [(true, clean(&g.emphasis_legend)), (false, clean(&g.copy_legend))];
    let legend: Vec<(bool, String)> = legend.into_iter().filter(|(_, t)| !t.is_empty()).collect();
    let top = MARGIN + legend.len() as f64 * LEGEND_ROW + if legend.is_empty() { 0.0 } else { 10.0 };
    let bottom = lay.place(top);
    let col = |l: usize| MARGIN + l as f64 * (NODE_W + GAP_X);
    let layered_w = (col(lay.layers.len()) - MARGIN - GAP_X).max(0.0);

    // Each box's left edge and vertical centre; the isolated ones in rows.
    let mut boxes: Vec<(f64, f64)> = (0..n).map(|v| (col(lay.layer_of[v]), lay.y[v])).collect();
    let per_row = (((layered_w + ISO_GAP) / (NODE_W + ISO_GAP)) as usize).max(3);
    let iso_top = if lay.layers.is_empty() { top } else { bottom + 28.0 };
    for (k, &v) in lay.isolated.iter().enumerate() {
        let (row, column) = ((k / per_row) as f64, (k % per_row) as f64);
        let y = iso_top + row * (NODE_H + ISO_GAP) + NODE_H / 2.0;
        boxes[v] = (MARGIN + column * (NODE_W + ISO_GAP), y);
    }
    let end = boxes.iter().map(|b| b.1 + NODE_H / 2.0).fold(bottom, f64::max);
    let iso_w = per_row.min(lay.isolated.len()) as f64 * (NODE_W + ISO_GAP);
    let longest = legend.iter().map(|(_, t)| t.chars().count()).max();
    let legend_w = longest.unwrap_or(0).min(LEGEND_CHARS) as f64 * 6.5 + 48.0;
    let content_w = layered_w.max(iso_w).max(legend_w);
    let (width, height) = ((content_w + 2.0 * MARGIN).max(320.0).ceil(), (end + MARGIN).ceil());

    let mut out = String::with_capacity(4096 + 400 * edges.len() + 600 * n);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{ID}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{ID}-title {ID}-desc\" class=\"dataflow\" \
         font-family=\"{FONT}\" font-size=\"13\" fill=\"{TEXT}\" style=\"max-width:100%;height:auto\">\n\
         <title id=\"{ID}-title\">{}</title>\n<desc id=\"{ID}-desc\">{}</desc>\n\
         <style>@media print{{#{ID} text{{fill:#000}}#{ID} .e{{stroke:#000}}#{ID} .m{{fill:#000}}\
         #{ID} .n rect{{fill:#fff;stroke:#000}}#{ID} .h rect{{fill:#e0e0e0;stroke-width:3.5}}}}</style>\n<defs>",
        esc(&g.title),
        esc(&g.description),
    );
    for (suffix, colour) in [("", LINE), ("c", WARN)] {
        for (kind, refx, shape) in [("h", 10, "M0,0 L10,5 L0,10 z"), ("t", 0, "M10,0 L0,5 L10,10 z")] {
            let _ = writeln!(
                out,
                "<marker id=\"{ID}-{kind}{suffix}\" viewBox=\"0 0 10 10\" refX=\"{refx}\" refY=\"5\" \
                 markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
                 <path class=\"m\" d=\"{shape}\" fill=\"{colour}\"/></marker>"
            );
        }
    }
    out.push_str("</defs>\n");
    for (i, (health, text)) in legend.iter().enumerate() {
        let y = MARGIN + i as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        let _ = match health {
            true => write!(
                out,
                "<g class=\"n h\"><rect x=\"{MARGIN}\" y=\"{:.1}\" width=\"34\" height=\"16\" rx=\"4\" \
                 fill=\"{EMPH_FILL}\" stroke=\"{EMPH_STROKE}\" stroke-width=\"3\"/></g>",
                y - 8.0
            ),
            false => write!(
                out,
                "<path class=\"e c\" d=\"M{MARGIN},{y:.1} h34\" fill=\"none\" stroke=\"{WARN}\" \
                 stroke-width=\"1.6\" stroke-dasharray=\"6 4\" marker-end=\"url(#{ID}-hc)\"/>"
            ),
        };
        text_line(&mut out, (MARGIN + 44.0, y), "", text, LEGEND_CHARS);
    }

    // Ports: where edges leave and enter a box, in the order of their other ends.
    let mut sides: [Vec<Vec<(f64, usize)>>; 2] = [vec![Vec::new(); n], vec![Vec::new(); n]];
    for (e, chain) in lay.chains.iter().enumerate() {
        if let ([a, a_next, ..], [.., b_prev, b]) = (&chain[..], &chain[..]) {
            sides[0][*a].push((lay.y[*a_next], e));
            sides[1][*b].push((lay.y[*b_prev], e));
        }
    }
    let mut ports = [vec![0.0; edges.len()], vec![0.0; edges.len()]];
    for (side, ports) in sides.iter_mut().zip(&mut ports) {
        for (v, side) in side.iter_mut().enumerate() {
            side.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            let step = (NODE_H - 12.0) / (side.len() as f64 + 1.0);
            for (i, &(_, e)) in side.iter().enumerate() {
                ports[e] = lay.y[v] - NODE_H / 2.0 + 6.0 + step * (i as f64 + 1.0);
            }
        }
    }

    let names: Vec<String> = nodes.iter().map(|v| name(v)).collect();
    let mut spots: Vec<(f64, f64, String)> = Vec::new();
    out.push_str("<g class=\"edges\" fill=\"none\" stroke-width=\"1.6\">\n");
    for (e, (&(from, to, edge), chain)) in edges.iter().zip(&lay.chains).enumerate() {
        let Some(&first) = chain.first() else { continue };
        let (mut px, mut py) = (col(lay.layer_of[first]) + NODE_W, ports[0][e]);
        let mut d = format!("M{px:.1},{py:.1}");
        let (middle, mut label_at) = (chain.len().saturating_sub(2) / 2, (px, py));
        for (i, &x) in chain.iter().enumerate().skip(1) {
            let last = i + 1 == chain.len();
            let (tx, ty) = (col(lay.layer_of[x]), if last { ports[1][e] } else { lay.y[x] });
            let xm = (px + tx) / 2.0;
            let _ = write!(d, " C{xm:.1},{py:.1} {xm:.1},{ty:.1} {tx:.1},{ty:.1}");
            if i - 1 == middle {
                label_at = (xm, (py + ty) / 2.0);
            }
            (px, py) = (tx, ty);
            if !last {
                px += NODE_W;
                let _ = write!(d, " L{px:.1},{py:.1}");
            }
        }
        let label = clean(&edge.label);
        let arrow = if edge.both_ways { "↔" } else { "→" };
        let mut title = format!("{} {arrow} {}", names[from], names[to]);
        if !label.is_empty() {
            let _ = write!(title, ": {label}");
        }
        let (class, colour, dash, suffix) = match edge.copy {
            true => ("e c", WARN, " stroke-dasharray=\"6 4\"", "c"),
            false => ("e", LINE, "", ""),
        };
        // The layout may run an edge right to left: its head at the start.
        let (start, end) = (reversed[e] || edge.both_ways, !reversed[e] || edge.both_ways);
        let head = |on: bool, at: &str, kind: &str| match on {
            true => format!(" marker-{at}=\"url(#{ID}-{kind}{suffix})\""),
            false => String::new(),
        };
        let heads = head(start, "start", "t") + &head(end, "end", "h");
        let _ = writeln!(
            out,
            "<path class=\"{class}\" d=\"{d}\" stroke=\"{colour}\"{dash}{heads}><title>{}</title></path>",
            esc(&title)
        );
        if !label.is_empty() {
            spots.push((label_at.0, label_at.1, label));
        }
    }
    // Labels in one gap share x: keep them a line apart, inside the picture.
    spots.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
    for i in 1..spots.len() {
        if spots[i].0 == spots[i - 1].0 {
            spots[i].1 = spots[i].1.max(spots[i - 1].1 + 13.0);
        }
    }
    let _ = writeln!(
        out,
        "</g>\n<g class=\"labels\" text-anchor=\"middle\" font-size=\"11\" stroke=\"#FFFFFF\" \
         stroke-width=\"5\" stroke-linejoin=\"round\" paint-order=\"stroke\">"
    );
    for (x, y, label) in &spots {
        text_line(&mut out, (*x, y.min(height - 8.0)), "", label, EDGE_CHARS);
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (v, node) in nodes.iter().enumerate() {
        node_box(&mut out, node, &names[v], boxes[v]);
    }
    out.push_str("</g>\n</svg>\n");
    // FNV-1a: ids that differ between pictures and stay the same between runs.
    let hash = out
        .bytes()
        .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    out.replace(ID, &format!("dataflow-{hash:08x}"))
}

/// Nodes sorted by id (the first of a duplicated id wins), and the edges
/// between known, different nodes as (from, to, edge), in a fixed order.
fn prepare(g: &FlowGraph) -> (Vec<&FlowNode>, Vec<(usize, usize, &FlowEdge)>) {
    let mut by_id: BTreeMap<&str, &FlowNode> = BTreeMap::new();
    for node in &g.nodes {
        by_id.entry(node.id.as_str()).or_insert(node);
    }
    let index: BTreeMap<&str, usize> = by_id.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let nodes: Vec<&FlowNode> = by_id.into_values().collect();
    let known = |e: &FlowEdge| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?));
    let mut edges: Vec<(usize, usize, &FlowEdge)> = (g.edges.iter())
        .filter_map(|e| known(e).filter(|(a, b)| a != b).map(|(a, b)| (a, b, e)))
        .collect();
    let key = |&(a, b, e): &(usize, usize, &FlowEdge)| (a, b, e.label.clone(), e.both_ways, e.copy);
    edges.sort_by_cached_key(key);
    (nodes, edges)
}

/// Columns. Cycles are broken by reversing the edges that run backwards in
/// a greedy order (Eades–Lin–Smyth: sinks to the back, sources to the front,
/// else the node with most outgoing over incoming edges; O(n² + E)), then
/// each node goes right of its furthest predecessor (longest path) and each
/// source just before its nearest successor. Returns the acyclic edges,
/// which were reversed, and the columns.
fn layering(n: usize, edges: &[(usize, usize, &FlowEdge)]) -> (Vec<(usize, usize)>, Vec<bool>, Vec<usize>) {
    let (mut indeg, mut outdeg, mut touching) = (vec![0i64; n], vec![0i64; n], vec![Vec::new(); n]);
    for (e, &(a, b, _)) in edges.iter().enumerate() {
        (outdeg[a], indeg[b]) = (outdeg[a] + 1, indeg[b] + 1);
        touching[a].push(e);
        touching[b].push(e);
    }
    let (mut left, mut right, mut live) = (Vec::new(), Vec::new(), (0..n).collect::<Vec<_>>());
    while !live.is_empty() {
        let key = |&(i, &v): &(usize, &usize)| ((outdeg[v] == 0, indeg[v] == 0, outdeg[v] - indeg[v]), Reverse(i));
        let v = live.remove(live.iter().enumerate().max_by_key(key).map_or(0, |(at, _)| at));
        (if outdeg[v] == 0 { &mut right } else { &mut left }).push(v);
        for &e in &touching[v] {
            let (a, b, _) = edges[e];
            if a == v { indeg[b] -= 1 } else { outdeg[a] -= 1 }
        }
    }
    let mut rank = vec![0; n];
    for (r, &v) in left.iter().chain(right.iter().rev()).enumerate() {
        rank[v] = r;
    }
    let flip = |&(a, b, _): &(usize, usize, &FlowEdge)| if rank[a] > rank[b] { (b, a) } else { (a, b) };
    let dag: Vec<(usize, usize)> = edges.iter().map(flip).collect();
    let reversed: Vec<bool> = edges.iter().map(|&(a, b, _)| rank[a] > rank[b]).collect();
    let mut by_source = dag.clone();
    by_source.sort_by_key(|&(a, _)| rank[a]);
    let mut layer = vec![0usize; n];
    for &(a, b) in &by_source {
        layer[b] = layer[b].max(layer[a] + 1);
    }
    let mut nearest = vec![usize::MAX; n];
    for &(a, b) in &dag {
        nearest[a] = nearest[a].min(layer[b]);
    }
    let sources: Vec<usize> = (0..n).filter(|&u| layer[u] == 0 && nearest[u] < usize::MAX).collect();
    for u in sources {
        layer[u] = nearest[u] - 1; // at least 1: its successors have a predecessor
    }
    (dag, reversed, layer)
}

/// Columns of items: items `0..real` are the systems (`isolated` ones in no
/// column), the rest dummy points where a long edge passes a column; `chains`
/// are each edge's items from left to right, `y` each item's vertical centre.
#[derive(Default)]
struct Layered {
    real: usize,
    layer_of: Vec<usize>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    layers: Vec<Vec<usize>>,
    isolated: Vec<usize>,
    pos: Vec<usize>,
    chains: Vec<Vec<usize>>,
    y: Vec<f64>,
}

impl Layered {
    fn new(layer: &[usize], dag: &[(usize, usize)]) -> Self {
        let mut s = Layered::default();
        (s.real, s.layer_of, s.up) = (layer.len(), layer.to_vec(), vec![Vec::new(); layer.len()]);
        s.down = s.up.clone();
        for &(a, b) in dag {
            let mut chain = vec![a];
            for l in layer[a] + 1..layer[b] {
                chain.push(s.layer_of.len());
                s.layer_of.push(l);
                s.up.push(Vec::new());
                s.down.push(Vec::new());
            }
            chain.push(b);
            for w in chain.windows(2) {
                s.down[w[0]].push(w[1]);
                s.up[w[1]].push(w[0]);
            }
            s.chains.push(chain);
        }
        let items = s.layer_of.len();
        let linked = |x: usize| x >= s.real || !s.up[x].is_empty() || !s.down[x].is_empty();
        let count = (0..s.real).filter(|&x| linked(x)).map(|x| layer[x] + 1).max();
        (s.layers, s.pos, s.y) = (vec![Vec::new(); count.unwrap_or(0)], vec![0; items], vec![0.0; items]);
        for x in 0..items {
            if linked(x) {
                s.pos[x] = s.layers[s.layer_of[x]].len();
                s.layers[s.layer_of[x]].push(x);
            } else {
                s.isolated.push(x);
            }
        }
        s
    }

    /// The columns a sweep visits: 1, 2, … forward; n-2, …, 0 backward.
    fn sweep(&self, forward: bool) -> impl Iterator<Item = usize> + use<> {
        let count = self.layers.len();
        (1..count).map(move |step| if forward { step } else { count - 1 - step })
    }

    /// Barycentre sweeps, alternately left to right and right to left,
    /// keeping the ordering with the fewest crossings.
    fn order(&mut self) {
        let (mut best, mut best_layers) = (self.crossings(), self.layers.clone());
        for forward in [true, false].into_iter().cycle().take(SWEEPS) {
            if best == 0 {
                break;
            }
            for l in self.sweep(forward) {
                let neighbours = if forward { &self.up } else { &self.down };
                let bary = |(i, &x): (usize, &usize)| {
                    let sum: usize = neighbours[x].iter().map(|&m| self.pos[m]).sum();
                    let k = neighbours[x].len();
                    (if k == 0 { i as f64 } else { sum as f64 / k as f64 }, i, x)
                };
                let mut keyed: Vec<(f64, usize, usize)> = self.layers[l].iter().enumerate().map(bary).collect();
                keyed.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
                for (i, &(_, _, x)) in keyed.iter().enumerate() {
                    (self.layers[l][i], self.pos[x]) = (x, i);
                }
            }
            let crossings = self.crossings();
            if crossings < best {
                best = crossings;
                best_layers.clone_from(&self.layers);
            }
        }
        self.layers = best_layers;
    }

    /// Edge crossings between neighbouring columns: inversions counted with
    /// a Fenwick tree, O(E log E).
    fn crossings(&self) -> usize {
        let mut total = 0;
        for layer in &self.layers {
            let ends = |&a: &usize| self.down[a].iter().map(move |&b| (self.pos[a], self.pos[b]));
            let mut pairs: Vec<(usize, usize)> = layer.iter().flat_map(ends).collect();
            pairs.sort_unstable();
            let mut tree = vec![0usize; pairs.iter().map(|p| p.1 + 2).max().unwrap_or(0)];
            for (k, &(_, b)) in pairs.iter().enumerate() {
                let (mut i, mut j) = (b + 1, b + 1);
                total += k; // minus the earlier ones that end at or above b
                while i > 0 {
                    total -= tree[i];
                    i &= i - 1;
                }
                while j < tree.len() {
                    tree[j] += 1;
                    j += j & j.wrapping_neg();
                }
            }
        }
        total
    }

    fn half(&self, x: usize) -> f64 {
        if x < self.real { NODE_H / 2.0 } else { 3.0 }
    }

    fn sep(&self, a: usize, b: usize) -> f64 {
        self.half(a) + self.half(b) + if a < self.real && b < self.real { 18.0 } else { 10.0 }
    }

    /// Vertical centres, pulled towards the mean of their neighbours in
    /// alternate sweeps: the mean of the lowest and the highest placement
    /// that keeps the order and spacing (every column is placed at least
    /// once by the last two sweeps). Returns the bottom.
    fn place(&mut self, top: f64) -> f64 {
        for forward in [true, false].into_iter().cycle().take(SWEEPS / 2) {
            for l in self.sweep(forward) {
                let neighbours = if forward { &self.up } else { &self.down };
                let layer = &self.layers[l];
                let mean = |&x: &usize| match neighbours[x].len() {
                    0 => self.y[x],
                    k => neighbours[x].iter().map(|&m| self.y[m]).sum::<f64>() / k as f64,
                };
                let mut low: Vec<f64> = layer.iter().map(mean).collect();
                let mut high = low.clone();
                for i in 1..layer.len() {
                    low[i] = low[i].max(low[i - 1] + self.sep(layer[i - 1], layer[i]));
                }
                for i in (1..layer.len()).rev() {
                    high[i - 1] = high[i - 1].min(high[i] - self.sep(layer[i - 1], layer[i]));
                }
                for (i, &x) in layer.iter().enumerate() {
                    self.y[x] = (low[i] + high[i]) / 2.0;
                }
            }
        }
        let placed = || self.layers.iter().flatten().map(|&x| (self.y[x], self.half(x)));
        let min = placed().map(|(y, h)| y - h).fold(f64::INFINITY, f64::min);
        let max = placed().map(|(y, h)| y + h).fold(f64::NEG_INFINITY, f64::max);
        if !min.is_finite() {
            return top;
        }
        self.y.iter_mut().for_each(|y| *y += top - min);
        top + max - min
    }
}

/// One box, a link when it has a safe address.
fn node_box(out: &mut String, node: &FlowNode, name: &str, (x, cy): (f64, f64)) {
    let href = node.href.as_deref().and_then(safe_href);
    if let Some(href) = &href {
        let _ = write!(out, "<a href=\"{}\">", esc(href));
    }
    let sub = node.sublabel.as_deref().map(clean).filter(|s| !s.is_empty());
    let (class, fill, stroke, width) = match node.emphasis {
        true => ("n h", EMPH_FILL, EMPH_STROKE, 3.0),
        false => ("n", "#FFFFFF", BORDER, 1.2),
    };
    let top = cy - NODE_H / 2.0;
    let _ = writeln!(
        out,
        "<g class=\"{class}\" text-anchor=\"middle\"><rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{NODE_W}\" \
         height=\"{NODE_H}\" rx=\"7\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
    );
    let (centre, label_y) = (x + NODE_W / 2.0, if sub.is_some() { top + 17.0 } else { cy });
    text_line(out, (centre, label_y), " font-weight=\"600\"", name, LABEL_CHARS);
    if let Some(sub) = &sub {
        let muted = format!(" font-size=\"11\" fill=\"{MUTED}\"");
        text_line(out, (centre, top + 34.0), &muted, sub, SUB_CHARS);
    }
    out.push_str(if href.is_some() { "</g></a>\n" } else { "</g>\n" });
}

/// A one-line text cut to `max` characters; when cut, the whole as a tooltip.
fn text_line(out: &mut String, (x, y): (f64, f64), attrs: &str, text: &str, max: usize) {
    let (shown, cut) = truncate(text, max);
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" dominant-baseline=\"central\"{attrs}>{}",
        esc(&shown)
    );
    if cut {
        let _ = write!(out, "<title>{}</title>", esc(text));
    }
    out.push_str("</text>\n");
}

/// The system's name, or its id when it has none.
fn name(node: &FlowNode) -> String {
    let label = clean(&node.label);
    if label.is_empty() { clean(&node.id) } else { label }
}

/// Only characters XML allows (no control characters, no U+FFFE/FFFF),
/// runs of white space as one space, trimmed.
fn clean(s: &str) -> String {
    let forbidden = |c: char| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    let allowed = |c: char| c.is_whitespace() || !forbidden(c);
    let kept: String = s.chars().filter(|&c| allowed(c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn esc(s: &str) -> String {
    etterlev_core::text::html_escape(&clean(s))
}

/// The address when it is relative or http(s)/mailto; never `javascript:`,
/// `data:` or another scheme (also when hidden with white space or case).
fn safe_href(href: &str) -> Option<String> {
    let href = clean(href);
    let compact = href.replace(' ', "").to_ascii_lowercase();
    let scheme = compact.split_once(':').map(|(s, _)| s);
    let scheme = scheme.filter(|s| !s.contains(['/', '?', '#']));
    let allowed = scheme.is_none_or(|s| matches!(s, "http" | "https" | "mailto"));
    (allowed && !compact.is_empty()).then_some(href)
}

/// `s` cut to `max` characters (the last one "…"), and whether it was cut.
fn truncate(s: &str, max: usize) -> (String, bool) {
    if s.chars().count() <= max {
        return (s.to_owned(), false);
    }
    let kept: String = s.chars().take(max.saturating_sub(1)).collect();
    (format!("{}…", kept.trim_end()), true)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn node(id: &str, label: &str) -> FlowNode {
        let mut node = FlowNode::default();
        (node.id, node.label) = (id.into(), label.into());
        node
    }

    /// Nodes "a b …" (labelled "A", "B", …) and edges "a>b" (plain), "a=b"
    /// (both ways) or "a~b" (a copy), labelled with their index.
    fn graph(nodes: &str, edges: &str) -> FlowGraph {
        let mut g = FlowGraph::default();
        (g.title, g.description) = ("Dataflyt".into(), "Systemer".into());
        (g.copy_legend, g.emphasis_legend) = ("Stiplet: kopi".into(), "Tykk: helse".into());
        let ids = nodes.split_whitespace();
        g.nodes = ids.map(|id| node(id, &id.to_uppercase())).collect();
        for (i, spec) in edges.split_whitespace().enumerate() {
            let Some(at) = spec.find(['>', '=', '~']) else { continue };
            let mut e = FlowEdge::default();
            (e.from, e.to, e.label) = (spec[..at].into(), spec[at + 1..].into(), format!("e{i}"));
            (e.both_ways, e.copy) = (spec[at..].starts_with('='), spec[at..].starts_with('~'));
            g.edges.push(e);
        }
        g
    }

    /// The edge paths (class, has marker-start, has marker-end) of well-formed XML.
    fn edge_paths(svg: &str) -> Vec<(String, bool, bool)> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let group = doc.descendants().find(|g| g.attribute("class") == Some("edges"));
        let paths = group.into_iter().flat_map(|g| g.children());
        let paths = paths.filter(|p| p.has_tag_name("path"));
        let class = |p: &roxmltree::Node| p.attribute("class").unwrap_or_default().to_owned();
        let heads = |p: &roxmltree::Node| (p.has_attribute("marker-start"), p.has_attribute("marker-end"));
        paths.map(|p| (class(&p), heads(&p).0, heads(&p).1)).collect()
    }

    fn big_graph(n: usize, edges: usize) -> FlowGraph {
        let pick = |i: usize| (i.wrapping_mul(2_654_435_761) >> 5) % n;
        let kind = |i: usize| [">", "=", "~", ">", ">"][i % 5];
        let specs = (0..edges).map(|i| format!("s{}{}s{}", pick(2 * i), kind(i), pick(2 * i + 1)));
        let ids: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        graph(&ids.join(" "), &specs.collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn well_formed_accessible_and_escaped() {
        let mut g = graph("ehr lab solo", "ehr>lab");
        (g.nodes[0], g.nodes[1]) = (node("ehr", "DIPS æøå"), node("lab", "Lab & <LIS>"));
        (g.nodes[0].emphasis, g.nodes[0].sublabel) = (true, Some("Helse Nord IKT".into()));
        (g.nodes[1].href, g.edges[0].label) = (Some("/sys?a=1&b=2".into()), "HL7 \"ORM\"".into());
        let svg = dataflow_svg(&g);
        assert_eq!(edge_paths(&svg).len(), 1);
        for part in [" role=\"img\" ", " viewBox=", " width=", " height=", "@media print"] {
            assert!(svg.contains(part), "{part}");
        }
        assert!(svg.contains(">Dataflyt</title>") && svg.contains(">Systemer</desc>"));
        assert!(svg.contains(">DIPS æøå<") && svg.contains(">Lab &amp; &lt;LIS&gt;<"));
        assert!(svg.contains(">SOLO<") && svg.contains(">HL7 &quot;ORM&quot;<"));
        assert!(svg.contains(">Tykk: helse<"));
        assert!(svg.contains("href=\"/sys?a=1&amp;b=2\"") && !svg.contains("<script"));
        assert_eq!(svg.matches("class=\"n h\"").count(), 2, "legend and DIPS");
    }

    #[test]
    fn hostile_text_only_escaped() {
        let hostile = "<script>&\"'";
        let mut g = graph("x y", "x~y");
        g.nodes[0] = node("x", hostile);
        (g.nodes[0].sublabel, g.edges[0].label) = (Some(hostile.into()), hostile.into());
        g.nodes[0].href = Some("\"><script>alert(1)</script>".into());
        g.nodes[1].href = Some(" Java\tScript:alert(1)".into());
        (g.title, g.copy_legend) = (hostile.into(), hostile.into());
        let svg = dataflow_svg(&g);
        assert_eq!(edge_paths(&svg).len(), 1);
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;"));
        assert!(!svg.contains("<script") && !svg.to_lowercase().contains("javascript"));
        assert_eq!(svg.matches("<a ").count(), 1);
        assert!(safe_href("https://x.no/a").is_some() && safe_href("data:,x").is_none());
    }

    #[test]
    fn skipped_edges_cycles_copies_and_both_ways() {
        let paths = |edges: &str| edge_paths(&dataflow_svg(&graph("a b c", edges)));
        assert_eq!(paths("a>b a>nope ghost>b a>a").len(), 1);
        let cycle = paths("a>b b>c c>a");
        assert_eq!(cycle.len(), 3);
        // One edge runs right to left in the layout: its head at the start.
        assert_eq!(cycle.iter().filter(|p| p.1 && !p.2).count(), 1);
        let expected = [("e c".into(), false, true), ("e".into(), true, true)];
        assert_eq!(paths("a~b b=c"), expected);
        let svg = dataflow_svg(&graph("a b", "a~b"));
        let dashes = svg.matches("stroke-dasharray=\"6 4\"").count();
        assert_eq!(dashes, 2, "legend sample and the copy");
    }

    #[test]
    fn isolated_nodes_empty_graphs_and_cut_text() {
        let svg = dataflow_svg(&graph("a b c d e f g", ""));
        assert!(edge_paths(&svg).is_empty());
        assert_eq!(svg.matches("<rect").count(), 8, "seven boxes, one legend");
        assert!(edge_paths(&dataflow_svg(&FlowGraph::default())).is_empty());
        let mut g = graph("a", "");
        g.nodes[0].label = "Ø".repeat(40);
        let cut = format!(">{}…<title>{}</title>", "Ø".repeat(LABEL_CHARS - 1), g.nodes[0].label);
        assert!(dataflow_svg(&g).contains(&cut));
    }

    /// Prints the time: `cargo test --release -p etterlev-reports --lib
    /// two_hundred -- --nocapture`.
    #[test]
    fn two_hundred_nodes_six_hundred_edges_same_output_in_any_order() {
        let g = big_graph(200, 600);
        let start = std::time::Instant::now();
        let svg = dataflow_svg(&g);
        println!("200 nodes, 600 edges: {:?}, {} bytes", start.elapsed(), svg.len());
        assert!(edge_paths(&svg).len() > 550);
        let mut shuffled = g.clone();
        shuffled.nodes.reverse();
        shuffled.edges.reverse();
        assert_eq!(svg, dataflow_svg(&g));
        assert_eq!(svg, dataflow_svg(&shuffled));
    }

    type NodeRest = (Option<String>, bool, Option<String>);
    /// Mostly short ids that collide, some arbitrary Unicode (any character).
    const ID_OR_TEXT: &str = "[a-f]|(?s:.{0,8})";

    proptest! {
        #[test]
        fn random_graphs_give_well_formed_svg(
            nodes in prop::collection::vec((ID_OR_TEXT, ID_OR_TEXT, any::<NodeRest>()), 0..12),
            edges in prop::collection::vec((ID_OR_TEXT, ID_OR_TEXT, any::<String>(), any::<(bool, bool)>()), 0..30),
            texts in any::<(String, String)>(),
        ) {
            let mut g = graph("", "");
            for (id, label, (sublabel, emphasis, href)) in nodes {
                g.nodes.push(FlowNode { id, label, sublabel, emphasis, href });
            }
            for (from, to, label, (both_ways, copy)) in edges {
                g.edges.push(FlowEdge { from, to, label, both_ways, copy });
            }
            (g.title, g.copy_legend, g.emphasis_legend) = (texts.0.clone(), texts.0, texts.1);
            let svg = dataflow_svg(&g);
            prop_assert!(roxmltree::Document::parse(&svg).is_ok(), "{}", svg);
            prop_assert!(!svg.contains("<script"));
        }
    }
}
