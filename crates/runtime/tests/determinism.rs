//! The runtime's ordering rules, each as a story.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use openraft_rt::AsyncRuntime;
use openraft_rt::Watch;
use openraft_rt::WatchReceiver;
use openraft_rt::WatchSender;
use rand_core::Rng;
use sim_runtime::watch::SimWatch;
use sim_runtime::SimRuntime;
use sim_runtime::TaskGroup;

#[test]
fn timers_fire_by_deadline_and_equal_deadlines_in_creation_order() {
    let runtime = SimRuntime::with_seed(1);
    let fired = Rc::new(RefCell::new(Vec::new()));
    for (name, delay_ms) in [("c", 20_u64), ("a", 10), ("b", 10)] {
        let fired = fired.clone();
        runtime.spawn_in(TaskGroup(1), async move {
            SimRuntime::sleep(Duration::from_millis(delay_ms)).await;
            fired.borrow_mut().push(name);
        });
    }
    runtime.run_ready();
    runtime.advance_to_ms(9);
    assert!(fired.borrow().is_empty());
    runtime.advance_to_ms(30);
    assert_eq!(*fired.borrow(), vec!["a", "b", "c"]);
    assert_eq!(runtime.now_ms(), 30);
}

#[test]
fn the_watch_wakes_its_waiters_in_registration_order() {
    let runtime = SimRuntime::with_seed(1);
    let (sender, receiver) = SimWatch::channel(0_u32);
    let woken = Rc::new(RefCell::new(Vec::new()));
    for waiter in 0..5_u32 {
        let mut receiver = receiver.clone();
        let woken = woken.clone();
        runtime.spawn_in(TaskGroup(1), async move {
            if receiver.changed().await.is_ok() {
                woken.borrow_mut().push(waiter);
            }
        });
    }
    runtime.run_ready();
    sender.send(1).unwrap();
    runtime.run_ready();
    assert_eq!(*woken.borrow(), vec![0, 1, 2, 3, 4]);
}

fn draws(seed: u64, group: u64) -> Vec<u64> {
    let runtime = SimRuntime::with_seed(seed);
    runtime.enter_group(TaskGroup(group), || (0..4).map(|_| SimRuntime::thread_rng().next_u64()).collect())
}

#[test]
fn each_member_group_has_its_own_reproducible_random_stream() {
    assert_eq!(draws(7, 1), draws(7, 1));
    assert_ne!(draws(7, 1), draws(7, 2));
    assert_ne!(draws(7, 1), draws(8, 1));
}

#[test]
fn killing_a_group_drops_only_that_groups_tasks() {
    let runtime = SimRuntime::with_seed(1);
    let finished = Rc::new(RefCell::new(Vec::new()));
    for group in [1_u64, 2] {
        let finished = finished.clone();
        runtime.spawn_in(TaskGroup(group), async move {
            SimRuntime::sleep(Duration::from_millis(5)).await;
            finished.borrow_mut().push(group);
        });
    }
    runtime.run_ready();
    assert_eq!(runtime.kill_group(TaskGroup(1)), 1);
    runtime.advance_to_ms(10);
    assert_eq!(*finished.borrow(), vec![2]);
    assert_eq!(runtime.task_count(), 0);
}

#[test]
fn the_clock_starts_a_virtual_day_after_zero_so_openraft_can_subtract_timeouts() {
    let runtime = SimRuntime::with_seed(1);
    let now = runtime.now();
    assert_eq!(runtime.now_ms(), 0);
    assert!(now.as_nanos() >= sim_runtime::EPOCH_NANOS);
    assert_eq!((now - Duration::from_secs(3600)).as_nanos(), sim_runtime::EPOCH_NANOS - 3_600_000_000_000);
}

/// Pending until polled twice; records each poll under `name`.
struct YieldOnce {
    name: &'static str,
    polls: Rc<RefCell<Vec<&'static str>>>,
    yielded: bool,
}

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, context: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        self.polls.borrow_mut().push(self.name);
        if self.yielded {
            return std::task::Poll::Ready(());
        }
        self.yielded = true;
        context.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[test]
fn a_task_that_wakes_itself_runs_again_after_the_tasks_already_queued() {
    let runtime = SimRuntime::with_seed(1);
    let polls = Rc::new(RefCell::new(Vec::new()));
    for name in ["a", "b"] {
        runtime.spawn_in(TaskGroup(1), YieldOnce { name, polls: polls.clone(), yielded: false });
    }
    assert_eq!(runtime.run_ready(), 4);
    assert_eq!(*polls.borrow(), vec!["a", "b", "a", "b"]);
    assert_eq!(runtime.task_count(), 0);
}

#[test]
fn a_crashed_members_late_wake_up_does_not_poll_the_task_that_took_its_place() {
    let runtime = SimRuntime::with_seed(1);
    let stale_waker: Rc<RefCell<Option<std::task::Waker>>> = Rc::new(RefCell::new(None));
    let keep = stale_waker.clone();
    runtime.spawn_in(
        TaskGroup(1),
        std::future::poll_fn(move |context| {
            *keep.borrow_mut() = Some(context.waker().clone());
            std::task::Poll::<()>::Pending
        }),
    );
    runtime.run_ready();
    assert_eq!(runtime.kill_group(TaskGroup(1)), 1);
    // The new task reuses the crashed task's slot in the task table.
    let polls = Rc::new(RefCell::new(Vec::new()));
    let seen = polls.clone();
    runtime.spawn_in(
        TaskGroup(2),
        std::future::poll_fn(move |_context| {
            seen.borrow_mut().push("new");
            std::task::Poll::<()>::Pending
        }),
    );
    runtime.run_ready();
    assert_eq!(*polls.borrow(), vec!["new"]);
    let polls_before = runtime.poll_count();
    let stale = stale_waker.borrow_mut().take();
    assert!(stale.is_some());
    if let Some(waker) = stale {
        waker.wake();
    }
    runtime.run_ready();
    assert_eq!(runtime.poll_count(), polls_before, "the stale wake-up polls nobody");
    assert_eq!(*polls.borrow(), vec!["new"]);
    assert_eq!(runtime.task_count(), 1);
}
