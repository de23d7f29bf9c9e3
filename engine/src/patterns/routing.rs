//! Which node an attempt goes to: the hook through which a client spreads its
//! attempts over replicas. The retry lab routes by its config (`Target`); the
//! replica-failover lab plugs in a router that asks a metadata server which
//! replicas are still healthy. A router sees only what a real client would:
//! the request's primary node, the attempt number, and the nodes it already
//! saw fail for this request.

/// What a router knows when it picks a node.
#[derive(Clone, Copy, Debug)]
pub struct RouteQuery<'a> {
    /// The node the request would use first (0-based).
    pub primary: u32,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// Nodes there are (≥ 1).
    pub nodes: u32,
    /// Nodes this request's earlier attempts failed on, oldest first.
    pub failed: &'a [u32],
}

/// Picks the node for an attempt. Must be deterministic (no hidden RNG).
///
/// A router is part of a run's state, so it must be copyable with the run
/// (the scrubber's snapshots): any `Clone` router is, through [`CloneRouter`].
pub trait Router: CloneRouter {
    fn pick(&mut self, query: RouteQuery<'_>) -> u32;
}

/// Copies a boxed router (implemented for every `Router + Clone`).
pub trait CloneRouter {
    fn clone_box(&self) -> Box<dyn Router>;
}

impl<T: Router + Clone + 'static> CloneRouter for T {
    fn clone_box(&self) -> Box<dyn Router> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Router> {
    fn clone(&self) -> Self {
        self.as_ref().clone_box()
    }
}

/// Every attempt to the primary node.
#[derive(Clone, Copy, Debug, Default)]
pub struct SameNode;

impl Router for SameNode {
    fn pick(&mut self, q: RouteQuery<'_>) -> u32 {
        q.primary % q.nodes.max(1)
    }
}

/// Each retry to the next replica, wrapping around.
#[derive(Clone, Copy, Debug, Default)]
pub struct NextReplica;

impl Router for NextReplica {
    fn pick(&mut self, q: RouteQuery<'_>) -> u32 {
        (q.primary + q.attempt.saturating_sub(1)) % q.nodes.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_replica_walks_the_ring() {
        let picks: Vec<u32> = (1..=4)
            .map(|attempt| {
                NextReplica.pick(RouteQuery {
                    primary: 1,
                    attempt,
                    nodes: 3,
                    failed: &[],
                })
            })
            .collect();
        assert_eq!(picks, [1, 2, 0, 1]);
        // A boxed router copies with its state (here: none) and picks alike.
        let mut boxed: Box<dyn Router> = Box::new(NextReplica);
        let mut copy = boxed.clone();
        let q = RouteQuery {
            primary: 2,
            attempt: 2,
            nodes: 3,
            failed: &[2],
        };
        assert_eq!(boxed.pick(q), copy.pick(q));
        assert_eq!(
            SameNode.pick(RouteQuery {
                primary: 1,
                attempt: 3,
                nodes: 3,
                failed: &[]
            }),
            1
        );
    }
}
