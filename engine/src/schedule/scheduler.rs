//! Fires due timers through the desk. Each timer is claimed inside the transaction that acts on
//! it, so with several replicas each timer fires once.

use crate::clock::Clock;
use crate::desk::{Desk, DeskError};
use std::sync::Arc;

/// Timers looked at per round.
const BATCH: i64 = 100;

/// Finds due timers and fires them.
pub struct Scheduler {
    desk: Arc<Desk>,
    clock: Arc<dyn Clock>,
}

impl Scheduler {
    /// A scheduler for the desk's timers.
    pub fn new(desk: Arc<Desk>, clock: Arc<dyn Clock>) -> Scheduler {
        Scheduler { desk, clock }
    }

    /// Fires every timer due now; returns how many this call fired.
    pub async fn run_once(&self) -> Result<usize, DeskError> {
        let mut fired = 0;
        loop {
            let due = self
                .desk
                .store()
                .due_timers(self.clock.now(), BATCH)
                .await?;
            let full = due.len() as i64 == BATCH;
            let mut progressed = false;
            for timer in &due {
                // One failing timer must not hold back the others due after it.
                match self.desk.fire_timer(timer).await {
                    Ok(true) => fired += 1,
                    Ok(false) => {}
                    Err(e) => tracing::error!(timer = %timer.key, error = %e, "timer failed"),
                }
                progressed = true;
            }
            if !full || !progressed {
                return Ok(fired);
            }
        }
    }
}
