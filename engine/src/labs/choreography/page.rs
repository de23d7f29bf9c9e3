//! The choreography run as the shared lab page sees it ([`LabRun`]): each
//! side's verdict (orders placed vs orders completed, as running totals —
//! the gap that never closes is the orders no one finished), the metrics
//! table's rows (with the flow's exact message count beside the measured
//! one when nothing can disturb it), the outcomes bar and the scrubber's
//! marks (every outage: a service's, the bus's, the orchestrator's).

use super::config::{ChoreographyConfig, Mode, ServiceId, Step, Topic};
use super::ChoreoModel;
use super::{ChoreoRun, ChoreoSim};
use crate::labs::run::{
    FormulaArg, Mark, MarkKind, MetricRow, MetricValue, Outcomes, Theory, Tone, Verdict, VerdictBand, VerdictLine,
};
use crate::labs::sides::SidesView;
use crate::time::SimTime;

fn ms(t: SimTime) -> f64 {
    t.as_micros() as f64 / 1000.0
}

/// The outage windows a side meets, with their labels: every service's, the
/// bus's, and (orchestration only) the orchestrator's.
fn outages(sim: &ChoreoSim) -> Vec<(f64, f64, &'static str)> {
    let m = sim.model();
    let c = m.config();
    let mut out = Vec::new();
    for sid in c.services.in_flow() {
        let key = outage_key(sid);
        let s = c.services.of(sid);
        out.extend(s.outages.iter().map(|o| (o.from_ms as f64, o.to_ms as f64, key)));
    }
    out.extend(
        c.bus
            .outages
            .iter()
            .map(|w| (w.from_ms as f64, w.to_ms as f64, "choreo.outage.bus")),
    );
    if m.mode() == Mode::Orchestration {
        let o = &c.services.orchestrator.outages;
        out.extend(
            o.iter()
                .map(|o| (o.from_ms as f64, o.to_ms as f64, "choreo.outage.orchestrator")),
        );
    }
    out
}

/// The label of service `s`'s outage band.
pub fn outage_key(s: ServiceId) -> &'static str {
    match s {
        ServiceId::Inventory => "choreo.outage.inventory",
        ServiceId::Payment => "choreo.outage.payment",
        ServiceId::Delivery => "choreo.outage.delivery",
        ServiceId::Notification => "choreo.outage.notification",
        ServiceId::Fraud => "choreo.outage.fraud",
        ServiceId::Loyalty => "choreo.outage.loyalty",
        ServiceId::Invoicing => "choreo.outage.invoicing",
        ServiceId::Analytics => "choreo.outage.analytics",
    }
}

/// The messages one order costs when nothing disturbs it, and the parts of
/// the sum: choreography, (events published, their listeners' copies);
/// orchestration, (forward steps, notifications): a command and a reply per
/// step, and one notification (and analytics record) per state change.
pub fn flow_messages(c: &ChoreographyConfig, mode: Mode) -> (u64, u64, u64) {
    match mode {
        Mode::Choreography => {
            // Follow the happy path through the wiring: every event a service
            // publishes when its step succeeds, and who hears it.
            let mut published = vec![Topic::OrderPlaced];
            let mut i = 0;
            while i < published.len() {
                let topic = published[i];
                for l in c.wiring.iter().filter(|l| l.on == topic) {
                    let next = match l.service.reaction(topic) {
                        Some(Step::Reserve) => Some(Topic::InventoryReserved),
                        Some(Step::Screen) => Some(Topic::FraudCleared),
                        Some(Step::Charge) => Some(Topic::PaymentProcessed),
                        Some(Step::Award) => Some(Topic::PointsAwarded),
                        Some(Step::Invoice) => Some(Topic::InvoiceIssued),
                        Some(Step::Schedule) => Some(Topic::DeliveryScheduled),
                        _ => None,
                    };
                    if let Some(t) = next.filter(|t| !published.contains(t)) {
                        published.push(t);
                    }
                }
                i += 1;
            }
            let copies = published
                .iter()
                .map(|&t| c.wiring.iter().filter(|l| l.on == t).count() as u64)
                .sum();
            (published.len() as u64, copies, 0)
        }
        Mode::Orchestration => {
            let steps = c.services.forward_steps().len() as u64;
            let notes = (steps + 1) * c.services.side_notes().len() as u64;
            (steps, 2 * steps + notes, notes)
        }
    }
}

/// When the last order arrives (ms): the workload's window.
fn arrival_window_ms(run: &ChoreoRun) -> f64 {
    use super::config::OrderWorkload;
    match &run.sides[0].model().config().workload {
        OrderWorkload::Single => 0.0,
        OrderWorkload::Poisson { duration_ms, .. } => *duration_ms as f64,
        OrderWorkload::Burst { within_ms, .. } => *within_ms as f64,
    }
}

/// The metric rows that decide a run of `c`, as its guide names them: a
/// larger flow's wiring and messages; duplicates' double effects; lost
/// messages' stalls (and a watcher's notices); else how orders ended, how many
/// messages each took, and (with something down) how long.
pub fn key_metrics(c: &ChoreographyConfig) -> Vec<&'static str> {
    if c.services.fraud.is_some() {
        return vec!["subscriptions", "messages_per_order", "completed"];
    }
    if c.bus.duplicate_rate > 0.0 {
        // (Not "completed": when every customer cancels, none stays so.)
        return vec!["duplicate_effects", "inconsistent", "compensations"];
    }
    if c.bus.loss_rate > 0.0 {
        // A lost compensation leaves an order undone with its stock or money
        // still held: "inconsistent", which no status shows.
        if c.watcher_ms > 0 {
            return vec!["stuck", "detected", "inconsistent", "completed"];
        }
        return vec!["stuck", "inconsistent", "completed", "messages_per_order"];
    }
    if !c.bus.outages.is_empty() || !c.services.orchestrator.outages.is_empty() {
        return vec!["completed", "stuck", "p95_ms"];
    }
    vec!["completed", "stuck", "inconsistent", "messages_per_order"]
}

/// Runs with at most this many orders draw "orders placed" at each order's
/// own time; larger ones by slices.
const EXACT_ORDERS: usize = 64;

impl SidesView for ChoreoModel {
    fn verdict(run: &ChoreoRun, side: usize) -> Verdict {
        let mut verdict = Verdict {
            title_key: "choreo.verdict.title",
            unit_key: "choreo.verdict.orders",
            whole: true,
            lines: vec![],
            bands: vec![],
            end_note: None,
        };
        let Some(sim) = run.sides.get(side) else {
            return verdict;
        };
        let series = &sim.model().stats().series;
        let width_ms = series.width().as_micros() as f64 / 1000.0;
        let now = ms(sim.now());
        let done = sim.is_finished();
        let (mut placed, mut completed) = (Vec::new(), Vec::new());
        let (mut total_placed, mut total_completed) = (0u64, 0i64);
        for (i, slice) in series.buckets().iter().enumerate() {
            let from = i as f64 * width_ms;
            // The slice the clock is in is still filling: the lines end at
            // now with what it holds so far (they stopped a slice short).
            let end = if !done && from + width_ms > now + 1e-9 {
                now
            } else {
                from + width_ms
            };
            if end < from {
                break;
            }
            placed.push((from, total_placed as f64));
            completed.push((from, total_completed as f64));
            total_placed += u64::from(slice.placed);
            total_completed += i64::from(slice.completed) - i64::from(slice.uncompleted);
            placed.push((end, total_placed as f64));
            completed.push((end, total_completed as f64));
            if end < from + width_ms {
                break;
            }
        }
        // Nothing happened yet in the clock's slice: level up to now.
        if !done && now > 0.0 && placed.last().is_none_or(|p| p.0 < now) {
            if placed.is_empty() {
                placed.push((0.0, 0.0));
                completed.push((0.0, 0.0));
            }
            placed.push((now, total_placed as f64));
            completed.push((now, total_completed as f64));
        }
        // A handful of orders: placed exactly when each was, a step each (the
        // one-order demo's line crept from 0 to 1 across its first slice, as
        // if the order were placed bit by bit). The slice's end, as above.
        let orders = sim.model().orders();
        if orders.len() <= EXACT_ORDERS {
            let last = placed.last().map_or(now, |p| p.0);
            let mut exact = vec![(0.0, 0.0)];
            for (i, o) in orders.iter().enumerate() {
                let at = ms(o.placed);
                exact.push((at, i as f64));
                exact.push((at, (i + 1) as f64));
            }
            exact.push((last.max(exact.last().map_or(0.0, |p| p.0)), orders.len() as f64));
            placed = exact;
        }
        verdict.lines = vec![
            VerdictLine {
                label_key: "choreo.verdict.placed",
                tone: Tone::Neutral,
                dashed: true,
                points: placed,
            },
            VerdictLine {
                label_key: "choreo.verdict.completed",
                tone: Tone::Ok,
                dashed: false,
                points: completed,
            },
        ];
        verdict.bands = VerdictBand::all_of(outages(sim));
        verdict
    }

    fn key_metrics(run: &ChoreoRun) -> Vec<&'static str> {
        run.sides
            .first()
            .map_or(vec![], |sim| key_metrics(sim.model().config()))
    }

    fn metric_rows(run: &ChoreoRun, side: usize) -> Vec<MetricRow> {
        let Some(sim) = run.sides.get(side) else {
            return vec![];
        };
        let model = sim.model();
        let m = model.metrics();
        let over = sim.is_finished();
        let any = m.orders > 0;
        let opt_ms = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Ms);
        let count = |key: &'static str, label: &'static str, help: &'static str, v: u64| {
            MetricRow::new(key, label, help, MetricValue::Count(v))
        };
        // What the flow's shape gives exactly, when nothing can change it: no
        // fault, no cancellation, stock for all, no duplicates, every order
        // hearing every event as the default wiring has it.
        let c = model.config();
        let calm = c.reject_rate == 0.0
            && c.cancel_rate == 0.0
            && c.bus.loss_rate == 0.0
            && c.bus.duplicate_rate == 0.0
            && c.bus.outages.is_empty()
            && c.stock as u64 >= m.orders
            && (c.wiring == super::config::chained_wiring() || c.wiring == super::config::eight_service_wiring())
            && c.services.in_flow().iter().all(|&sid| {
                let s = c.services.of(sid);
                s.transient_failure_rate == 0.0 && s.permanent_failure_rate == 0.0 && s.outages.is_empty()
            })
            // The orchestrator down: its retries are messages too (10.4 read
            // beside theory's 10 as if the assumptions held).
            && (model.mode() == Mode::Choreography || {
                let o = &c.services.orchestrator;
                o.transient_failure_rate == 0.0 && o.permanent_failure_rate == 0.0 && o.outages.is_empty()
            });
        let (parts, total, notes) = flow_messages(c, model.mode());
        let theory = Theory {
            value: MetricValue::Number(total as f64),
            formula_key: match model.mode() {
                Mode::Choreography => "choreo.theory.messages_choreography",
                Mode::Orchestration => "choreo.theory.messages_orchestration",
            },
            formula_args: match model.mode() {
                Mode::Choreography => vec![("events", FormulaArg::Count(parts)), ("n", FormulaArg::Count(total))],
                Mode::Orchestration => vec![
                    ("steps", FormulaArg::Count(parts)),
                    ("notes", FormulaArg::Count(notes)),
                    ("n", FormulaArg::Count(total)),
                ],
            },
            caveat_key: (!calm).then_some("choreo.caveat.disturbed"),
        };
        vec![
            count("orders", "choreo.metric.orders", "choreo.help.orders", m.orders),
            // A completed order a customer then cancels is no longer completed.
            count(
                "completed",
                "choreo.metric.completed",
                "choreo.help.completed",
                m.completed,
            )
            .provisional(!over),
            count(
                "compensated",
                "choreo.metric.compensated",
                "choreo.help.compensated",
                m.compensated,
            ),
            count(
                "cancelled_by_customer",
                "choreo.metric.cancelled_by_customer",
                "choreo.help.cancelled_by_customer",
                m.cancelled_by_customer,
            ),
            count(
                "out_of_stock",
                "choreo.metric.out_of_stock",
                "choreo.help.out_of_stock",
                m.out_of_stock,
            ),
            count(
                "in_progress",
                "choreo.metric.in_progress",
                "choreo.help.in_progress",
                m.in_progress,
            )
            .provisional(!over),
            count("stuck", "choreo.metric.stuck", "choreo.help.stuck", m.stuck),
            count(
                "inconsistent",
                "choreo.metric.inconsistent",
                "choreo.help.inconsistent",
                m.inconsistent,
            )
            .provisional(!over),
            count("messages", "choreo.metric.messages", "choreo.help.messages", m.messages),
            count(
                "subscriptions",
                "choreo.metric.subscriptions",
                "choreo.help.subscriptions",
                m.subscriptions,
            ),
            MetricRow::new(
                "messages_per_order",
                "choreo.metric.messages_per_order",
                "choreo.help.messages_per_order",
                if any {
                    MetricValue::Number(m.messages_per_order)
                } else {
                    MetricValue::Missing
                },
            )
            .provisional(!over)
            .with_theory(Some(theory)),
            count(
                "lost_messages",
                "choreo.metric.lost_messages",
                "choreo.help.lost_messages",
                m.lost_messages,
            ),
            count(
                "dead_letters",
                "choreo.metric.dead_letters",
                "choreo.help.dead_letters",
                m.dead_letters,
            )
            .with_theory(dead_letter_theory(model)),
            count(
                "compensations",
                "choreo.metric.compensations",
                "choreo.help.compensations",
                m.compensations,
            ),
            count(
                "duplicate_effects",
                "choreo.metric.duplicate_effects",
                "choreo.help.duplicate_effects",
                m.duplicate_effects,
            ),
            // Where a duplicated release or refund shows: more stock than
            // there ever was (double_refund's 137 of 100).
            count(
                "stock_left",
                "choreo.metric.stock_left",
                "choreo.help.stock_left",
                m.stock_left,
            )
            .provisional(!over),
            count("detected", "choreo.metric.detected", "choreo.help.detected", m.detected),
            MetricRow::new(
                "detection_p50_ms",
                "choreo.metric.detection_p50",
                "choreo.help.detection",
                opt_ms(m.detection_p50_ms),
            ),
            MetricRow::new(
                "p50_ms",
                "choreo.metric.p50",
                "choreo.help.completion_time",
                opt_ms(m.p50_ms),
            )
            .provisional(!over),
            MetricRow::new(
                "p95_ms",
                "choreo.metric.p95",
                "choreo.help.completion_time",
                opt_ms(m.p95_ms),
            )
            .provisional(!over),
        ]
    }

    fn marks(run: &ChoreoRun) -> Vec<Mark> {
        let mut out = Vec::new();
        for (i, sim) in run.sides.iter().enumerate() {
            for (from, to, key) in outages(sim) {
                // The world's outages are the same on both sides: marked once.
                let orchestrator = key == "choreo.outage.orchestrator";
                if i > 0 && !orchestrator {
                    continue;
                }
                out.push(Mark {
                    at_ms: from,
                    until_ms: Some(to),
                    kind: MarkKind::Outage,
                    side: orchestrator.then_some(i),
                });
            }
        }
        out.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        out
    }

    fn time_domain_ms(run: &ChoreoRun) -> f64 {
        let furthest = run.sides.iter().map(|s| ms(s.now())).fold(0.0, f64::max);
        arrival_window_ms(run).max(furthest)
    }

    fn side_end_ms(run: &ChoreoRun, side: usize) -> f64 {
        run.sides.get(side).map_or(0.0, |s| ms(s.now()))
    }

    fn outcomes(run: &ChoreoRun, side: usize) -> Option<Outcomes> {
        let m = run.sides.get(side)?.model().metrics();
        Some(Outcomes {
            ok: m.completed,
            bad: m.compensated + m.cancelled_by_customer + m.out_of_stock + m.stuck,
            bad_split: None,
            open: m.in_progress,
            ok_key: "choreo.outcome.completed",
            bad_key: "choreo.outcome.not_completed",
            open_key: "choreo.outcome.in_progress",
        })
    }
}

/// Choreography's dead letters, predicted from the deliveries each service
/// got so far: a delivery is given up when all its `n` tries fail, each on
/// its own — for now with chance `p` (tried again) or for good with chance
/// `q` (not): pⁿ + q·(1 + p + … + pⁿ⁻¹). With one faulty service failing
/// only for now, the text's N·pⁿ. `None` in orchestration (the orchestrator
/// decides, nothing is dead-lettered) and when no service can fail.
pub fn dead_letter_theory(model: &ChoreoModel) -> Option<Theory> {
    if model.mode() != Mode::Choreography {
        return None;
    }
    let c = model.config();
    let n = c.retry.max_attempts;
    let faulty: Vec<ServiceId> = c
        .services
        .in_flow()
        .into_iter()
        .filter(|&s| {
            let x = c.services.of(s);
            x.transient_failure_rate > 0.0 || x.permanent_failure_rate > 0.0 || !x.outages.is_empty()
        })
        .collect();
    // Outages alone: independent failures have nothing to predict (theory's
    // "85 first deliveries × 0⁵ = 0" stood beside 35 dead letters).
    let random = |s: &ServiceId| {
        let x = c.services.of(*s);
        x.transient_failure_rate > 0.0 || x.permanent_failure_rate > 0.0
    };
    if !faulty.iter().any(random) {
        return None;
    }
    let given_up = |p: f64, q: f64| {
        let (mut p_k, mut sum) = (1.0, 0.0);
        for _ in 0..n {
            sum += p_k;
            p_k *= p;
        }
        p_k + q * sum
    };
    let first = &model.stats().first_deliveries;
    let expected: f64 = faulty
        .iter()
        .map(|&s| {
            let x = c.services.of(s);
            first[s.index()] as f64 * given_up(x.transient_failure_rate, x.permanent_failure_rate)
        })
        .sum();
    let outages = faulty.iter().any(|&s| !c.services.of(s).outages.is_empty());
    let only = match faulty[..] {
        [s] if c.services.of(s).permanent_failure_rate == 0.0 => Some(s),
        _ => None,
    };
    let (formula_key, formula_args) = match only {
        Some(s) => (
            "choreo.theory.dead_letters_one",
            vec![
                ("d", FormulaArg::Count(first[s.index()])),
                ("p", FormulaArg::Number(c.services.of(s).transient_failure_rate)),
                ("n", FormulaArg::Exponent(n)),
            ],
        ),
        None => (
            "choreo.theory.dead_letters",
            vec![("n", FormulaArg::Count(u64::from(n)))],
        ),
    };
    Some(Theory {
        value: MetricValue::Number(expected),
        formula_key,
        formula_args,
        caveat_key: outages.then_some("choreo.caveat.dead_letters_outages"),
    })
}
