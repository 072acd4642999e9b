//! Slowing down password guessing from one client address.
//!
//! Per account, five failures in the window lock the account for the rest of
//! the window (`auth::MAX_FAILURES_PER_ACCOUNT`). Per address a hard
//! lock would be a lockout anyone can cause: one client trying made-up
//! accounts would shut out everyone who shares its address (an office NAT, or
//! everybody when the reverse proxy is not configured as trusted). So an
//! address is never locked; past [`Settings::after_failures`] failures in the
//! window each further sign-in from it is answered only after a delay that
//! doubles with every further failure, up to [`Settings::max_delay`].
//!
//! Why a delay before checking the password, and not a refusal: a refusal
//! (429 with `Retry-After`) cannot tell the attacker from a colleague at the
//! same address, so the colleague would be refused as long as the attack
//! goes on. The delay comes before the password is checked, so nobody learns
//! anything sooner by giving up early, and then the right password signs in
//! as usual. Guessing from the address is slowed to a few attempts per
//! delay, while a real user waits a few seconds once.
//!
//! Why the waiting is bounded: a waiting request holds a connection and a
//! task. At most [`Settings::max_waiting`] requests wait at a time (for all
//! addresses together); beyond that a slowed-down address gets 429 with
//! `Retry-After` at once, without the password being checked. So memory is
//! bounded, the guess rate of all slowed-down addresses together is at most
//! `max_waiting` per delay, and a real user at a slowed-down address is
//! refused only while someone keeps that many requests waiting all the time.
//! Addresses below the threshold are never delayed or refused by this.

use std::time::Duration;

use tokio::sync::Semaphore;

/// How failures from one address slow down further sign-ins from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Failures from one address within the window before sign-ins from it
    /// are delayed.
    pub after_failures: i64,
    /// The delay at the threshold; it doubles with each further failure.
    pub first_delay: Duration,
    /// The longest delay. Together with the password check it must stay well
    /// inside the request timeout (30 s).
    pub max_delay: Duration,
    /// Requests allowed to wait at the same time, for all addresses.
    pub max_waiting: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            after_failures: 20,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_waiting: 128,
        }
    }
}

/// Too many sign-ins are waiting already; try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    pub retry_after: Duration,
}

/// The delays and the room for waiting requests.
pub struct LoginThrottle {
    settings: Settings,
    waiting: Semaphore,
}

impl LoginThrottle {
    pub fn new(settings: Settings) -> Self {
        let waiting = Semaphore::new(settings.max_waiting);
        LoginThrottle { settings, waiting }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The delay before a sign-in from an address with `failures` failures
    /// in the window is checked, or `None` below the threshold.
    pub fn delay(&self, failures: i64) -> Option<Duration> {
        let over = failures.checked_sub(self.settings.after_failures)?;
        if over < 0 {
            return None;
        }
        let factor = u32::try_from(over)
            .ok()
            .and_then(|n| 1u32.checked_shl(n))
            .unwrap_or(u32::MAX);
        let delay = self
            .settings
            .first_delay
            .checked_mul(factor)
            .unwrap_or(self.settings.max_delay);
        Some(delay.min(self.settings.max_delay))
    }

    /// Waits `delay`, if there is room for one more waiting request.
    pub async fn wait(&self, delay: Duration) -> Result<(), Full> {
        let Ok(_permit) = self.waiting.try_acquire() else {
            return Err(Full { retry_after: delay });
        };
        tokio::time::sleep(delay).await;
        Ok(())
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(Settings::default())
    }
}

/// Whole seconds for a `Retry-After` header, at least one.
pub fn retry_after_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delay_doubles_from_the_threshold_up_to_the_cap() {
        let t = LoginThrottle::default();
        assert_eq!(t.delay(0), None);
        assert_eq!(t.delay(19), None);
        let secs = |n| t.delay(n).map(|d| d.as_secs());
        assert_eq!(
            (20..26).map(secs).collect::<Vec<_>>(),
            [1, 2, 4, 8, 10, 10].map(Some).to_vec()
        );
        assert_eq!(secs(i64::MAX), Some(10));
        assert_eq!(t.delay(i64::MIN), None);
    }

    #[tokio::test]
    async fn waiting_is_bounded() {
        let t = std::sync::Arc::new(LoginThrottle::new(Settings {
            max_waiting: 2,
            ..Settings::default()
        }));
        let long = Duration::from_secs(5);
        let a = tokio::spawn({
            let t = t.clone();
            async move { t.wait(long).await }
        });
        let b = tokio::spawn({
            let t = t.clone();
            async move { t.wait(long).await }
        });
        // Let both take their place.
        while t.waiting.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(t.wait(long).await, Err(Full { retry_after: long }));
        a.abort();
        b.abort();
        let _ = (a.await, b.await);
        // Aborted waits give their place back.
        assert_eq!(t.wait(Duration::from_millis(1)).await, Ok(()));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(4)), 4);
        assert_eq!(retry_after_secs(Duration::from_millis(4001)), 5);
    }

    proptest! {
        #[test]
        fn delay_never_panics_and_stays_capped(
            failures in any::<i64>(),
            after in any::<i64>(),
            first in 0u64..100_000,
            max in 0u64..100_000,
        ) {
            let t = LoginThrottle::new(Settings {
                after_failures: after,
                first_delay: Duration::from_millis(first),
                max_delay: Duration::from_millis(max),
                max_waiting: 1,
            });
            if let Some(d) = t.delay(failures) {
                prop_assert!(d <= Duration::from_millis(max));
            }
        }
    }
}
