//! A deterministic, single-threaded async runtime for openraft, on a virtual clock.
//!
//! openraft's [`AsyncRuntime`] is all static functions (`spawn`, `sleep`,
//! `Instant::now`, `thread_rng`), so the runtime's state lives behind a
//! thread-local "current runtime" that [`SimRuntime::enter`] installs. Several
//! runtimes can live in one thread (two simulations side by side in a test);
//! only the entered one is reachable from openraft.
//!
//! Determinism comes from four rules:
//! - tasks are polled in FIFO order of their wake-ups (a task id breaks no tie:
//!   the queue order *is* the order);
//! - the clock moves only when the owner calls [`SimRuntime::advance_to`], and
//!   timers fire in `(deadline, sequence)` order;
//! - watch channels wake waiters in registration order ([`watch`]);
//! - randomness is a ChaCha8 stream per task group (one group per simulated
//!   member), derived from one seed, identical on 64-bit and wasm32.
//!
//! Worked example: a task that sleeps 5 ms, driven by hand.
//!
//! ```
//! use std::time::Duration;
//! use openraft_rt::AsyncRuntime;
//! use sim_runtime::{SimRuntime, TaskGroup};
//!
//! let runtime = SimRuntime::with_seed(7);
//! let done = std::rc::Rc::new(std::cell::Cell::new(false));
//! let flag = done.clone();
//! runtime.spawn_in(TaskGroup(1), async move {
//!     SimRuntime::sleep(Duration::from_millis(5)).await;
//!     flag.set(true);
//! });
//! runtime.run_ready();                       // the task starts and parks on its timer
//! assert_eq!(runtime.next_timer_ms(), Some(5));
//! runtime.advance_to_ms(4);
//! assert!(!done.get());
//! runtime.advance_to_ms(5);                  // the timer fires, the task finishes
//! assert!(done.get());
//! ```

mod channels;
mod executor;
mod time;
pub mod watch;

use std::fmt;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use openraft_rt::AsyncRuntime;
use openraft_rt::Instant as _;
use openraft_rt::OptionalSend;
use rand_chacha::ChaCha8Rng;

pub use channels::JoinError;
pub use channels::JoinHandle;
pub use channels::SimMpsc;
pub use channels::SimMutex;
pub use channels::SimOneshot;
pub use executor::TaskGroup;
pub use time::Elapsed;
pub use time::SimInstant;
pub use time::SimSleep;
pub use time::SimTimeout;
pub use time::EPOCH_NANOS;

use executor::RuntimeState;

/// Handle to one simulated runtime (cheap to clone: all clones share the state).
#[derive(Clone)]
pub struct SimRuntime {
    state: Rc<RuntimeState>,
}

impl fmt::Debug for SimRuntime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SimRuntime")
            .field("now_ms", &self.now_ms())
            .field("tasks", &self.task_count())
            .finish()
    }
}

impl SimRuntime {
    /// A runtime whose randomness derives from `seed`, clock at virtual 0 ms.
    pub fn with_seed(seed: u64) -> SimRuntime {
        SimRuntime { state: Rc::new(RuntimeState::new(seed)) }
    }

    /// Runs `body` with this runtime installed as the thread's current one,
    /// so openraft's static calls (`spawn`, `Instant::now`, ...) reach it.
    /// Nested calls restore the previous runtime afterwards.
    pub fn enter<T>(&self, body: impl FnOnce() -> T) -> T {
        executor::enter(&self.state, body)
    }

    /// Like [`SimRuntime::enter`], and tasks spawned by `body` belong to `group`.
    pub fn enter_group<T>(&self, group: TaskGroup, body: impl FnOnce() -> T) -> T {
        self.enter(|| executor::with_group(&self.state, group, body))
    }

    /// Spawns a task into `group` (its children inherit the group).
    pub fn spawn_in<F>(&self, group: TaskGroup, future: F)
    where F: Future<Output = ()> + 'static {
        self.state.spawn_task(group, Box::pin(future));
    }

    /// Drops every task of `group` at once: this is a crash. Futures are dropped
    /// outside any borrow, so their destructors may wake or spawn freely.
    pub fn kill_group(&self, group: TaskGroup) -> usize {
        self.enter(|| self.state.kill_group(group))
    }

    /// Polls every runnable task, FIFO, until none is runnable. Bounded: a task
    /// that keeps waking itself at one instant is a bug and panics with a message.
    pub fn run_ready(&self) -> usize {
        self.enter(|| self.state.run_ready())
    }

    /// Moves the clock to `deadline` (never backwards), firing each timer that is
    /// due in `(deadline, sequence)` order and running the tasks it wakes, one
    /// timer instant at a time.
    pub fn advance_to(&self, deadline: SimInstant) {
        self.enter(|| self.state.advance_to(deadline))
    }

    /// Like [`SimRuntime::advance_to`], but returns early at the first timer
    /// instant after which `stop()` holds (e.g. a task sent a message the owner
    /// must timestamp and route). Tasks woken at that instant have run.
    pub fn advance_until(&self, deadline: SimInstant, mut stop: impl FnMut() -> bool) {
        self.enter(|| self.state.advance_until(deadline, &mut stop))
    }

    /// [`SimRuntime::advance_to`] in milliseconds since the virtual epoch.
    pub fn advance_to_ms(&self, now_ms: u64) {
        self.advance_to(SimInstant::from_ms(now_ms))
    }

    /// Current virtual time in milliseconds since the virtual epoch.
    pub fn now_ms(&self) -> u64 {
        self.state.now().as_ms()
    }

    /// Current virtual instant.
    pub fn now(&self) -> SimInstant {
        self.state.now()
    }

    /// Earliest pending timer, if any.
    pub fn next_timer(&self) -> Option<SimInstant> {
        self.state.next_timer()
    }

    /// Earliest pending timer in ms since the epoch (rounded up so that
    /// advancing to it fires it).
    pub fn next_timer_ms(&self) -> Option<u64> {
        self.state.next_timer().map(|instant| instant.as_ms_ceil())
    }

    /// Number of live tasks (all groups).
    pub fn task_count(&self) -> usize {
        self.state.task_count()
    }

    /// Number of task polls since creation (a cost measure for benchmarks).
    pub fn poll_count(&self) -> u64 {
        self.state.poll_count()
    }

    /// Runs `future` to completion, advancing virtual time whenever nothing is
    /// runnable. Panics on a deadlock (nothing runnable, no timer) because that is
    /// a bug in the caller's setup, not something a user can cause.
    pub fn block_on_future<F: Future>(&self, future: F) -> F::Output {
        self.enter(|| self.state.block_on(future))
    }
}

impl AsyncRuntime for SimRuntime {
    type JoinError = JoinError;
    type JoinHandle<T: OptionalSend + 'static> = JoinHandle<T>;
    type Sleep = SimSleep;
    type Instant = SimInstant;
    type TimeoutError = Elapsed;
    type Timeout<R, T: Future<Output = R> + OptionalSend> = SimTimeout<R, T>;
    type ThreadLocalRng = ChaCha8Rng;

    fn spawn<T>(future: T) -> Self::JoinHandle<T::Output>
    where
        T: Future + OptionalSend + 'static,
        T::Output: OptionalSend + 'static,
    {
        executor::with_current(|state| {
            let (sender, receiver) = futures::channel::oneshot::channel();
            let group = state.current_group();
            state.spawn_task(
                group,
                Box::pin(async move {
                    let output = future.await;
                    // The handle may be gone: a detached task's result is dropped.
                    let _ = sender.send(output);
                }),
            );
            JoinHandle::new(receiver)
        })
    }

    fn sleep(duration: Duration) -> Self::Sleep {
        SimSleep::until(SimInstant::now() + duration)
    }

    fn sleep_until(deadline: Self::Instant) -> Self::Sleep {
        SimSleep::until(deadline)
    }

    fn timeout<R, F: Future<Output = R> + OptionalSend>(duration: Duration, future: F) -> Self::Timeout<R, F> {
        SimTimeout::new(future, SimSleep::until(SimInstant::now() + duration))
    }

    fn timeout_at<R, F: Future<Output = R> + OptionalSend>(deadline: Self::Instant, future: F) -> Self::Timeout<R, F> {
        SimTimeout::new(future, SimSleep::until(deadline))
    }

    fn is_panic(_join_error: &Self::JoinError) -> bool {
        // Tasks never unwind here: a panic aborts the whole simulation.
        false
    }

    fn thread_rng() -> Self::ThreadLocalRng {
        executor::with_current(|state| state.task_rng())
    }

    type Mpsc = SimMpsc;
    type Watch = watch::SimWatch;
    type Oneshot = SimOneshot;
    type Mutex<T: OptionalSend + 'static> = SimMutex<T>;

    fn new(_threads: usize) -> Self {
        SimRuntime::with_seed(0)
    }

    fn block_on<F, T>(&mut self, future: F) -> T
    where F: Future<Output = T> {
        self.block_on_future(future)
    }

    #[allow(clippy::manual_async_fn)] // keeps the trait's exact signature
    fn spawn_blocking<F, T>(_f: F) -> impl Future<Output = Result<T, io::Error>> + Send
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // There are no threads in the simulation (nor in the browser).
        async { Err(io::Error::other("spawn_blocking is not supported by the simulated runtime")) }
    }
}
