//! Virtual time: the instant type, sleeps and timeouts.
//!
//! The clock starts one virtual day after zero ([`EPOCH_NANOS`]) because
//! openraft computes `now - timeout`, which would underflow near zero.

use std::fmt;
use std::future::Future;
use std::ops::Add;
use std::ops::AddAssign;
use std::ops::Sub;
use std::ops::SubAssign;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Context;
use std::task::Poll;
use std::time::Duration;

use crate::executor;
use crate::executor::RuntimeState;

/// Virtual nanoseconds at "0 ms" of a simulation: one day.
pub const EPOCH_NANOS: u64 = 86_400 * 1_000_000_000;

const NANOS_PER_MS: u64 = 1_000_000;

fn duration_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// A point on the virtual clock (nanoseconds since virtual zero).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimInstant(u64);

impl SimInstant {
    /// The instant `ms` milliseconds after the simulation's start.
    pub fn from_ms(ms: u64) -> SimInstant {
        SimInstant(EPOCH_NANOS.saturating_add(ms.saturating_mul(NANOS_PER_MS)))
    }

    /// Milliseconds since the simulation's start (rounded down).
    pub fn as_ms(self) -> u64 {
        self.0.saturating_sub(EPOCH_NANOS) / NANOS_PER_MS
    }

    /// Milliseconds since the simulation's start (rounded up).
    pub fn as_ms_ceil(self) -> u64 {
        self.0.saturating_sub(EPOCH_NANOS).div_ceil(NANOS_PER_MS)
    }

    /// Nanoseconds since virtual zero.
    pub fn as_nanos(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for SimInstant {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since_start = self.0.saturating_sub(EPOCH_NANOS);
        write!(formatter, "T+{}.{:06}ms", since_start / NANOS_PER_MS, since_start % NANOS_PER_MS)
    }
}

impl Add<Duration> for SimInstant {
    type Output = SimInstant;
    fn add(self, duration: Duration) -> SimInstant {
        SimInstant(self.0.saturating_add(duration_nanos(duration)))
    }
}

impl AddAssign<Duration> for SimInstant {
    fn add_assign(&mut self, duration: Duration) {
        *self = *self + duration;
    }
}

impl Sub<Duration> for SimInstant {
    type Output = SimInstant;
    fn sub(self, duration: Duration) -> SimInstant {
        SimInstant(self.0.saturating_sub(duration_nanos(duration)))
    }
}

impl SubAssign<Duration> for SimInstant {
    fn sub_assign(&mut self, duration: Duration) {
        *self = *self - duration;
    }
}

impl Sub<SimInstant> for SimInstant {
    type Output = Duration;
    fn sub(self, earlier: SimInstant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

impl openraft_rt::Instant for SimInstant {
    fn now() -> SimInstant {
        executor::current_now()
    }
}

/// Completes when the virtual clock reaches its deadline. Its timer is
/// registered on the first pending poll and removed when dropped.
pub struct SimSleep {
    deadline: SimInstant,
    registration: Option<u64>,
    state: Rc<RuntimeState>,
}

impl SimSleep {
    pub(crate) fn until(deadline: SimInstant) -> SimSleep {
        executor::with_current(|state| SimSleep { deadline, registration: None, state: state.clone() })
    }
}

impl fmt::Debug for SimSleep {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("SimSleep").field("deadline", &self.deadline).finish()
    }
}

impl Future for SimSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.state.now() >= self.deadline {
            if let Some(sequence) = self.registration.take() {
                self.state.cancel_timer(self.deadline, sequence);
            }
            return Poll::Ready(());
        }
        match self.registration {
            Some(sequence) => self.state.update_timer(self.deadline, sequence, context.waker()),
            None => {
                let sequence = self.state.register_timer(self.deadline, context.waker().clone());
                self.registration = Some(sequence);
            }
        }
        Poll::Pending
    }
}

impl Drop for SimSleep {
    fn drop(&mut self) {
        if let Some(sequence) = self.registration.take() {
            self.state.cancel_timer(self.deadline, sequence);
        }
    }
}

/// The error of a [`SimTimeout`] whose deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// A future raced against a deadline; the future is polled first, so a
/// future that completes exactly at the deadline wins. The future is held
/// inline (not boxed): openraft wraps every RPC in a timeout, and an
/// allocation per RPC showed in profiles.
pub struct SimTimeout<R, F> {
    future: F,
    sleep: SimSleep,
    _output: std::marker::PhantomData<fn() -> R>,
}

impl<R, F> SimTimeout<R, F> {
    pub(crate) fn new(future: F, sleep: SimSleep) -> SimTimeout<R, F> {
        SimTimeout { future, sleep, _output: std::marker::PhantomData }
    }
}

impl<R, F: Future<Output = R>> Future for SimTimeout<R, F> {
    type Output = Result<R, Elapsed>;
    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of a
        // pinned `SimTimeout` (no method hands it out by value, there is no
        // `Drop` impl, and `SimTimeout` is `Unpin` only when `F` is).
        // `sleep` is `Unpin` and is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        if let Poll::Ready(output) = future.poll(context) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(&mut this.sleep).poll(context) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        }
    }
}
