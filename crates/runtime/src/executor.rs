//! The FIFO executor, the timer wheel and the per-group random streams.
//!
//! Everything here is single-threaded. Wakers must be `Send + Sync` (that is
//! `std::task::Waker`'s contract), so the ready queue they push to is an
//! `Arc<Mutex<VecDeque>>`; on wasm32 and natively alike it is only ever touched
//! from one thread, so the lock is never contended.

use std::cell::Cell;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::task::Context;
use std::task::Poll;
use std::task::Wake;
use std::task::Waker;

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use rand_core::SeedableRng;

use crate::time::SimInstant;

/// Tasks belong to a group; a simulated member's tasks form one group, so a
/// crash can drop them all at once. Group 0 is "outside any member".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TaskGroup(pub u64);

/// Most polls one `run_ready` may do: far above any real burst (a busy loop
/// at one instant is a bug and must not hang the page silently).
const MAX_POLLS_PER_RUN: u64 = 50_000_000;
/// Most timer instants one `advance_to` or `block_on` may fire.
const MAX_TIMER_INSTANTS_PER_ADVANCE: u64 = 100_000_000;

type BoxedTask = Pin<Box<dyn Future<Output = ()>>>;
/// Woken tasks as (slot index, task id): the id tells a live task from a
/// killed one whose slot was reused.
type ReadyQueue = Arc<Mutex<VecDeque<(usize, u64)>>>;

struct TaskWaker {
    slot: usize,
    task_id: u64,
    scheduled: AtomicBool,
    ready: ReadyQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // One queue entry per wake-up, however many times it is woken before it runs.
        if !self.scheduled.swap(true, Ordering::Relaxed) {
            if let Ok(mut ready) = self.ready.lock() {
                ready.push_back((self.slot, self.task_id));
            }
        }
    }
}

struct RootWaker {
    woken: AtomicBool,
}

impl Wake for RootWaker {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::Relaxed);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Relaxed);
    }
}

struct TaskSlot {
    /// `None` while the task is being polled (it is moved out so that the poll
    /// can spawn or kill without a live borrow of the task table).
    future: Option<BoxedTask>,
    group: TaskGroup,
    /// Spawn order (ids only grow; a killed group is dropped in this order).
    task_id: u64,
    task_waker: Arc<TaskWaker>,
    /// Shared so a poll clones an `Rc`, not the waker (an atomic count).
    waker: Rc<Waker>,
}

/// The task table: a slab (a poll finds its task by index, no map lookup);
/// freed slots are reused, so it stays as large as the most tasks alive at once.
#[derive(Default)]
struct TaskTable {
    slots: Vec<Option<TaskSlot>>,
    free: Vec<usize>,
    live: usize,
}

impl TaskTable {
    fn next_slot(&self) -> usize {
        self.free.last().copied().unwrap_or(self.slots.len())
    }

    fn insert(&mut self, slot: TaskSlot) {
        let index = self.next_slot();
        if index == self.slots.len() {
            self.slots.push(Some(slot));
        } else {
            self.free.pop();
            self.slots[index] = Some(slot);
        }
        self.live += 1;
    }

    /// The live task `task_id` in slot `index`, if it was not killed.
    fn get_mut(&mut self, index: usize, task_id: u64) -> Option<&mut TaskSlot> {
        self.slots.get_mut(index)?.as_mut().filter(|slot| slot.task_id == task_id)
    }

    fn remove(&mut self, index: usize, task_id: u64) -> Option<TaskSlot> {
        self.get_mut(index, task_id)?;
        let removed = self.slots.get_mut(index)?.take();
        self.free.push(index);
        self.live -= 1;
        removed
    }
}

pub(crate) struct RuntimeState {
    seed: u64,
    now: Cell<SimInstant>,
    tasks: RefCell<TaskTable>,
    ready: ReadyQueue,
    next_task_id: Cell<u64>,
    current_group: Cell<TaskGroup>,
    timers: RefCell<BTreeMap<(SimInstant, u64), Waker>>,
    next_timer_sequence: Cell<u64>,
    group_rngs: RefCell<BTreeMap<TaskGroup, ChaCha8Rng>>,
    polls: Cell<u64>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<RuntimeState>>> = const { RefCell::new(None) };
}

pub(crate) fn enter<T>(state: &Rc<RuntimeState>, body: impl FnOnce() -> T) -> T {
    struct Restore(Option<Rc<RuntimeState>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|current| current.borrow_mut().replace(state.clone()));
    let _restore = Restore(previous);
    body()
}

pub(crate) fn with_group<T>(state: &Rc<RuntimeState>, group: TaskGroup, body: impl FnOnce() -> T) -> T {
    let previous = state.current_group.replace(group);
    let output = body();
    state.current_group.set(previous);
    output
}

/// Calls `body` with the entered runtime. Panics outside `SimRuntime::enter`:
/// openraft reached the runtime from code the simulation did not wrap (a bug).
pub(crate) fn with_current<T>(body: impl FnOnce(&Rc<RuntimeState>) -> T) -> T {
    let state = CURRENT.with(|current| current.borrow().clone());
    match state {
        Some(state) => body(&state),
        None => panic!("sim-runtime: called outside SimRuntime::enter (spawn, sleep, Instant::now or thread_rng)"),
    }
}

/// The entered runtime's clock, if any (for `Instant::now`).
pub(crate) fn current_now() -> SimInstant {
    with_current(|state| state.now())
}

impl RuntimeState {
    pub(crate) fn new(seed: u64) -> RuntimeState {
        RuntimeState {
            seed,
            now: Cell::new(SimInstant::from_ms(0)),
            tasks: RefCell::new(TaskTable::default()),
            ready: Arc::new(Mutex::new(VecDeque::new())),
            next_task_id: Cell::new(1),
            current_group: Cell::new(TaskGroup(0)),
            timers: RefCell::new(BTreeMap::new()),
            next_timer_sequence: Cell::new(0),
            group_rngs: RefCell::new(BTreeMap::new()),
            polls: Cell::new(0),
        }
    }

    pub(crate) fn now(&self) -> SimInstant {
        self.now.get()
    }

    pub(crate) fn current_group(&self) -> TaskGroup {
        self.current_group.get()
    }

    pub(crate) fn task_count(&self) -> usize {
        self.tasks.borrow().live
    }

    pub(crate) fn poll_count(&self) -> u64 {
        self.polls.get()
    }

    pub(crate) fn spawn_task(&self, group: TaskGroup, future: BoxedTask) {
        let task_id = self.next_task_id.get();
        self.next_task_id.set(task_id + 1);
        let mut tasks = self.tasks.borrow_mut();
        let slot = tasks.next_slot();
        let task_waker = Arc::new(TaskWaker { slot, task_id, scheduled: AtomicBool::new(false), ready: self.ready.clone() });
        let waker = Rc::new(Waker::from(task_waker.clone()));
        tasks.insert(TaskSlot { future: Some(future), group, task_id, task_waker, waker: waker.clone() });
        drop(tasks);
        waker.wake_by_ref();
    }

    pub(crate) fn kill_group(&self, group: TaskGroup) -> usize {
        let doomed: Vec<TaskSlot> = {
            let mut tasks = self.tasks.borrow_mut();
            let mut ids: Vec<(u64, usize)> = tasks
                .slots
                .iter()
                .enumerate()
                .filter_map(|(index, slot)| slot.as_ref().filter(|slot| slot.group == group).map(|slot| (slot.task_id, index)))
                .collect();
            // Dropped in spawn order, as they always were.
            ids.sort_unstable();
            ids.iter().filter_map(|(task_id, index)| tasks.remove(*index, *task_id)).collect()
        };
        let count = doomed.len();
        // Dropping futures runs destructors that may wake other tasks or spawn.
        drop(doomed);
        self.group_rngs.borrow_mut().remove(&group);
        count
    }

    /// Moves every queued wake-up into `batch` (one lock per batch, not per task).
    fn take_ready(&self, batch: &mut VecDeque<(usize, u64)>) {
        if let Ok(mut ready) = self.ready.lock() {
            std::mem::swap(&mut *ready, batch);
        }
    }

    pub(crate) fn run_ready(&self) -> usize {
        let mut polled: u64 = 0;
        // Batches keep FIFO order: a task woken while a batch runs is queued
        // behind it, exactly where a one-at-a-time queue would have put it.
        let mut batch: VecDeque<(usize, u64)> = VecDeque::new();
        loop {
            self.take_ready(&mut batch);
            if batch.is_empty() {
                break;
            }
            while let Some((index, task_id)) = batch.pop_front() {
                polled += 1;
                assert!(
                    polled < MAX_POLLS_PER_RUN,
                    "sim-runtime: more than {MAX_POLLS_PER_RUN} polls at one instant: a task is busy-looping"
                );
                self.poll_task(index, task_id);
            }
        }
        polled as usize
    }

    fn poll_task(&self, index: usize, task_id: u64) {
        let taken = {
            let mut tasks = self.tasks.borrow_mut();
            match tasks.get_mut(index, task_id) {
                Some(slot) => {
                    slot.task_waker.scheduled.store(false, Ordering::Relaxed);
                    slot.future.take().map(|future| (future, slot.group, slot.waker.clone()))
                }
                None => None, // killed after it was woken
            }
        };
        let Some((mut future, group, waker)) = taken else { return };
        let previous_group = self.current_group.replace(group);
        self.polls.set(self.polls.get() + 1);
        let mut context = Context::from_waker(&waker);
        let poll = future.as_mut().poll(&mut context);
        self.current_group.set(previous_group);
        match poll {
            Poll::Ready(()) => {
                let finished = self.tasks.borrow_mut().remove(index, task_id);
                drop(finished);
                drop(future);
            }
            Poll::Pending => {
                let mut tasks = self.tasks.borrow_mut();
                if let Some(slot) = tasks.get_mut(index, task_id) {
                    slot.future = Some(future);
                } else {
                    drop(tasks);
                    drop(future);
                }
            }
        }
    }

    pub(crate) fn next_timer(&self) -> Option<SimInstant> {
        self.timers.borrow().first_key_value().map(|((deadline, _), _)| *deadline)
    }

    /// Fires every timer due at or before now, in (deadline, sequence) order.
    fn fire_due_timers(&self) {
        let now = self.now();
        let due: Vec<Waker> = {
            let mut timers = self.timers.borrow_mut();
            let mut due = Vec::new();
            while let Some(entry) = timers.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            due
        };
        for waker in due {
            waker.wake();
        }
    }

    pub(crate) fn advance_to(&self, deadline: SimInstant) {
        self.advance_until(deadline, &mut || false);
    }

    /// Like `advance_to`, but stops at the first timer instant after which
    /// `stop()` holds (the owner has output to handle at that instant).
    pub(crate) fn advance_until(&self, deadline: SimInstant, stop: &mut dyn FnMut() -> bool) {
        let mut instants: u64 = 0;
        loop {
            self.run_ready();
            if stop() {
                return;
            }
            match self.next_timer() {
                Some(next) if next <= deadline => {
                    instants += 1;
                    assert!(instants < MAX_TIMER_INSTANTS_PER_ADVANCE, "sim-runtime: timer storm");
                    if next > self.now() {
                        self.now.set(next);
                    }
                    self.fire_due_timers();
                }
                _ => break,
            }
        }
        if deadline > self.now() {
            self.now.set(deadline);
        }
        self.fire_due_timers();
        self.run_ready();
    }

    pub(crate) fn register_timer(&self, deadline: SimInstant, waker: Waker) -> u64 {
        let sequence = self.next_timer_sequence.get();
        self.next_timer_sequence.set(sequence + 1);
        self.timers.borrow_mut().insert((deadline, sequence), waker);
        sequence
    }

    pub(crate) fn update_timer(&self, deadline: SimInstant, sequence: u64, waker: &Waker) {
        if let Some(existing) = self.timers.borrow_mut().get_mut(&(deadline, sequence)) {
            if !existing.will_wake(waker) {
                *existing = waker.clone();
            }
        }
    }

    pub(crate) fn cancel_timer(&self, deadline: SimInstant, sequence: u64) {
        if let Ok(mut timers) = self.timers.try_borrow_mut() {
            timers.remove(&(deadline, sequence));
        }
    }

    /// A fresh generator for the current task group: a ChaCha8 stream per group
    /// (stream id = group), so one member's draws never shift another's.
    pub(crate) fn task_rng(&self) -> ChaCha8Rng {
        let group = self.current_group();
        let mut rngs = self.group_rngs.borrow_mut();
        let group_rng = rngs.entry(group).or_insert_with(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
            rng.set_stream(group.0);
            rng
        });
        ChaCha8Rng::seed_from_u64(group_rng.next_u64())
    }

    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let root = Arc::new(RootWaker { woken: AtomicBool::new(true) });
        let waker = Waker::from(root.clone());
        let mut context = Context::from_waker(&waker);
        let mut instants: u64 = 0;
        loop {
            if root.woken.swap(false, Ordering::Relaxed) {
                if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                    return output;
                }
            }
            self.run_ready();
            if root.woken.load(Ordering::Relaxed) {
                continue;
            }
            match self.next_timer() {
                Some(next) => {
                    instants += 1;
                    assert!(instants < MAX_TIMER_INSTANTS_PER_ADVANCE, "sim-runtime: timer storm in block_on");
                    if next > self.now() {
                        self.now.set(next);
                    }
                    self.fire_due_timers();
                }
                None => panic!("sim-runtime: block_on deadlock: the future is pending, no task is runnable, no timer is set"),
            }
        }
    }
}
